"""Whether a hire-screening exemption of a profile ("特级教师", "研究生", "市级及以上学科带头人",
a contest prize "及以上") applies to a person's honour and title cells.  The vocabulary of
honours and their ranks is data (titles.toml); pure functions."""

from __future__ import annotations

from ttcalc.cells.titles import tables, normalise, vocabulary


def _rank_of(s: str) -> int | None:
    best = None
    for i, words in enumerate(vocabulary()["titles"]["honours"]["ranks"]):
        if any(normalise(w) in s for w in words):
            best = i
    return best


def _prize_hit(head: str, cells: list[str]) -> str | None:
    """"省中小学教师技能大赛二等奖" (+ 及以上): a cell naming the same contest with a prize of that
    grade or higher, at that level or higher (省 → 省, 全国)."""
    grades = vocabulary()["titles"]["honours"]["prize_ranks"]
    found = [(i, normalise(w)) for i, words in enumerate(grades) for w in words if head.endswith(normalise(w))]
    if not found:
        return None
    needed, word = max(found, key=lambda f: len(f[1]))
    contest = head[: -len(word)]
    levels = sorted((normalise(w) for words in vocabulary()["titles"]["honours"]["ranks"] for w in words),
                    key=len, reverse=True)
    region = next((w for w in levels if contest.startswith(w)), "")
    core = contest[len(region):]
    region_needed = _rank_of(region) if region else None
    if not core:
        return None
    for cell in cells:
        at = cell.find(core)
        if at < 0:
            continue
        after = cell[at + len(core):]
        got = [i for i, words in enumerate(grades) for w in words if after.startswith(normalise(w))]
        if not got or max(got) < needed:
            continue
        if region_needed is not None:
            rank = _rank_of(cell[:at])
            if rank is None or rank < region_needed:
                continue
        return cell
    return None


def exemption_hit(term: str, texts: list[object], education: str | None) -> str | None:
    """Does a profile's exemption ("特级教师", "研究生", "市级及以上学科带头人") apply to a
    person with these honour/title cells and this 学历 level?  Returns the evidence or None."""
    t = normalise(term)
    edu = tables()["education"].match(t)
    if edu[1] == "ok" and edu[2] == t:
        return f"{edu[0]}学历" if education == edu[0] else None
    cells = [normalise(x) for x in texts if x is not None and normalise(x)]
    for cell in cells:
        if t in cell:
            return term
    if "及以上" not in t:
        return None
    head, rest = t.split("及以上", 1)
    if not rest:
        return _prize_hit(head, cells)
    needed = _rank_of(head)
    if needed is None or not rest:
        return None
    names = [normalise(h) for h in vocabulary()["titles"]["honours"]["values"] if normalise(h) in rest] or [rest]
    for cell in cells:
        rank = _rank_of(cell)
        if rank is not None and rank >= needed and any(n in cell for n in names):
            return cell
    return None



def honour_status(bound: str, raw: object) -> str:
    """Does an honour cell meet a "县级学科带头人 及以上" bound?  pass: that honour at that level
    or higher (市级学科带头人), a 名师 at that level or higher, or 特级教师; fail: a blank cell, or
    an honour that is lower (县级骨干教师, 校级学科带头人); unknown: text naming no known honour,
    or the same honour with no level (学科带头人: 校级 or 县级?)."""
    b = normalise(bound)
    levels = sorted((normalise(w) for words in vocabulary()["titles"]["honours"]["ranks"] for w in words),
                    key=len, reverse=True)
    region = next((w for w in levels if b.startswith(w)), "")
    name = b[len(region):]
    cell = normalise(raw) if raw is not None else ""
    if not cell:
        return "fail"
    cells = [cell]
    terms = [f"{region}及以上{name}", f"{region}及以上名师"] if region else [name]
    if "特级教师" in cell or any(exemption_hit(t, cells, None) for t in terms):
        return "pass"
    known = [normalise(h) for h in vocabulary()["titles"]["honours"]["values"] if normalise(h) in cell]
    if not known:
        return "unknown"
    if region and _rank_of(cell) is None and any(k in (name, "名师") for k in known):
        return "unknown"
    return "fail"
