"""Roster words to levels: 职称 → title level, 学历 → education level, 岗位类别, 专职/兼职.

The vocabulary is data (data/titles.toml); this module only normalises a cell and finds
the most specific match (domain.md §1, §2).  A string it does not know gets no level and
a status that the caller turns into a warning naming the row — never a guess, never senior.
Pure functions; nothing here prints.
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from dataclasses import dataclass
from functools import cache
from importlib.resources import files

NONE = "none"  # "no title level" / "no education level" in figures and distributions


_BRACKETS = re.compile(r"[(\[【〔〖<《][^)\]】〕〗>》]*[)\]】〕〗>》]")


_SEPARATORS = re.compile(r"[/、,;|+&\\\n]+")


_SUFFIXES = ("专业技术职务", "专业技术职称", "职称", "职务", "毕业")


_CN_DIGITS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}


_NUM = r"(\d{1,2}|[一二三四五六七八九十]{1,3})"


# 小学数学高级教师 → 小学高级教师: a subject between the stage and the grade (domain.md §1 trap).
# 中小学 comes first and the match is anchored, so 中小学… is never read as 小学…; a "subject"
# of 教师 (中小学教师高级) is dropped the same way and the stage is kept: 中小学高级 (副高).
_STAGE_SUBJECT = re.compile(r"^(中小学|中学|小学|幼儿园|小教|中教|幼教)([^\d正高级一二三中小]{1,6})(正高级|高级|一级|二级|三级)(教师)?$")


@dataclass(frozen=True)
class Match:
    """What a cell means.  status: ok | none (an explicit "no title") | blank | unknown |
    ambiguous | honour (a title cell holding only an honour) | not_title (工勤/管理 grade) |
    degree (a 学位, not a 学历) | several (parts at different levels: the highest is used)."""

    level: str | None
    status: str
    text: str = ""
    matched: str | None = None
    honours: tuple[str, ...] = ()

    @property
    def known(self) -> bool:
        return self.status in ("ok", "none", "not_title", "several")


@cache
def vocabulary() -> dict:
    return tomllib.loads((files("ttcalc.cells") / "titles.toml").read_text(encoding="utf-8"))


def normalise(text: object) -> str:
    """NFKC, lower case, no whitespace, bracketed qualifiers and 职称/职务 suffixes removed."""
    if text is None:
        return ""
    s = re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(text))).lower()
    stripped = _BRACKETS.sub("", s)
    s = stripped if stripped else re.sub(r"[()\[\]【】〔〕〖〗<>《》]", "", s)
    for suffix in _SUFFIXES:
        if s.endswith(suffix) and len(s) > len(suffix):
            s = s[: -len(suffix)]
    return s


class _Table:
    """Exact and contained aliases of one vocabulary section, ready to match."""

    def __init__(self, section: dict):
        self.exact: dict[str, str] = {}
        self.contains: list[tuple[str, str]] = []
        for level, aliases in section.get("contains", {}).items():
            for a in aliases:
                key = normalise(a)
                self.exact.setdefault(key, level)
                self.contains.append((key, level))
        for level, aliases in section.get("exact", {}).items():
            for a in aliases:
                self.exact[normalise(a)] = level
        self.contains.sort(key=lambda p: -len(p[0]))
        # 小学… never inside 中小学… (the unified series is not the old 小学 one)
        self.not_after: dict[str, tuple[str, ...]] = {normalise(k): tuple(v)
                                                      for k, v in section.get("not_after", {}).items()}

    def _voided(self, s: str, start: int, alias: str) -> bool:
        return start > 0 and any(alias.startswith(k) and s[start - 1] in before
                                 for k, before in self.not_after.items())

    def match(self, s: str, drop: frozenset = frozenset()) -> tuple[str | None, str, str | None]:
        """(level, status, alias) for a normalised string."""
        if s in self.exact and s not in drop:
            return self.exact[s], "ok", s
        hits = []
        for alias, level in self.contains:
            if alias in drop or not alias:
                continue
            start = s.find(alias)
            while start >= 0:
                if not self._voided(s, start, alias):
                    hits.append((start, start + len(alias), alias, level))
                start = s.find(alias, start + 1)
        if not hits:
            return None, "unknown", None
        best = max(hits, key=lambda h: (h[1] - h[0], -h[0]))
        for h in hits:
            inside = best[0] <= h[0] and h[1] <= best[1]
            if not inside and h[3] != best[3]:
                return None, "ambiguous", f"{best[2]} + {h[2]}"
        return best[3], "ok", best[2]


@cache
def tables() -> dict[str, _Table]:
    v = vocabulary()
    return {k: _Table(v[k]) for k in ("titles", "education", "category", "employment")}


@cache
def title_levels() -> tuple[str, ...]:
    """正高 … 员级, highest first."""
    return tuple(vocabulary()["titles"]["levels"])


@cache
def education_levels() -> tuple[str, ...]:
    """研究生 … 初中及以下, highest first."""
    return tuple(vocabulary()["education"]["levels"])


@cache
def categories() -> tuple[str, ...]:
    return tuple(vocabulary()["category"]["levels"])


def level_rank(level: str | None) -> int:
    """正高 5, 副高 4, 中级 3, 初级 2, 员级 1, none / unknown 0."""
    levels = title_levels()
    return len(levels) - levels.index(level) if level in levels else 0


def education_rank(level: str | None) -> int:
    """研究生 6 … 初中及以下 1, none / unknown 0."""
    levels = education_levels()
    return len(levels) - levels.index(level) if level in levels else 0


def _number(text: str) -> int | None:
    if text.isdigit():
        return int(text)
    if text == "十":
        return 10
    if text.startswith("十"):
        return 10 + _CN_DIGITS.get(text[1:], 100)
    if len(text) == 1:
        return _CN_DIGITS.get(text)
    return None


@cache
def _post_grade_res():
    v = vocabulary()["titles"]
    pro = "|".join(re.escape(normalise(p)) for p in v["post_grades"]["prefixes"])
    man = "|".join(re.escape(normalise(p)) for p in v["not_titles"]["management_prefixes"])
    pro_re = re.compile(rf"^(?:(?:{pro}){_NUM}级(?:岗位|岗)?|{_NUM}级(?:{pro})(?:岗位|岗)?)$")
    man_re = re.compile(rf"^(?:(?:{man}){_NUM}级(?:岗位|岗)?|{_NUM}级(?:{man})(?:岗位|岗)?)$")
    bare_re = re.compile(rf"^{_NUM}(?:级)?(?:岗位|岗)?$")
    return pro_re, man_re, bare_re


def _grade_level(grade: int | None) -> str | None:
    if grade is None:
        return None
    for level, (low, high) in ((k, v) for k, v in vocabulary()["titles"]["post_grades"].items() if k != "prefixes"):
        if low <= grade <= high:
            return level
    return None


def post_grade_level(raw: object, column: bool = False) -> Match | None:
    """专技7级 → 副高.  `column`: the cell is from a post-grade column, so "7级" or "7" is a
    专业技术 grade too.  None when the text is not a post grade at all."""
    s = normalise(raw)
    pro_re, man_re, bare_re = _post_grade_res()
    if man_re.match(s):
        return Match(None, "not_title", str(raw), "management grade")
    m = pro_re.match(s) or (bare_re.match(s) if column else None)
    if not m:
        return None
    grade = _number(next(g for g in m.groups() if g))
    level = _grade_level(grade)
    if level is None:
        return Match(None, "unknown", str(raw), f"post grade {grade}")
    return Match(level, "ok", str(raw), f"专技{grade}级")


def _strip_honours(s: str) -> tuple[str, tuple[str, ...]]:
    found = []
    for h in sorted((normalise(x) for x in vocabulary()["titles"]["honours"]["values"]), key=len, reverse=True):
        if h and h in s:
            found.append(h)
            s = s.replace(h, "/")
    return s, tuple(found)


def _title_part(s: str) -> Match:
    v = vocabulary()["titles"]
    grade = post_grade_level(s)
    if grade is not None:
        return grade
    m = None if s in tables()["titles"].exact else _STAGE_SUBJECT.match(s)
    if m:
        s = m.group(1) + m.group(3) + (m.group(4) or "")
    level, status, alias = tables()["titles"].match(s)
    if status == "ok":
        return Match(None, "none", s, alias) if level == NONE else Match(level, "ok", s, alias)
    if status == "unknown" and any(normalise(n) in s for n in v["not_titles"]["contains"]):
        return Match(None, "not_title", s, "not a 专业技术职称")
    return Match(None, status, s, alias)


def title_level(raw: object) -> Match:
    """A 职称 cell → its level (domain.md §1).  Blank → no level, status "blank"."""
    text = "" if raw is None else str(raw)
    s = normalise(text)
    if not s:
        return Match(None, "blank", text)
    rest, honours = _strip_honours(s)
    leftovers = {normalise(x) for x in vocabulary()["titles"]["honours"]["leftovers"]}
    parts = [p for p in _SEPARATORS.split(rest) if p and p not in leftovers]
    if not parts:
        return Match(None, "honour" if honours else "blank", text, None, honours)
    matches = [_title_part(p) for p in parts]
    leveled = [m for m in matches if m.level]
    bad = [m for m in matches if not m.known]
    if bad and not leveled:
        return Match(None, bad[0].status, text, bad[0].matched, honours)
    if not leveled:
        first = matches[0]
        return Match(None, first.status, text, first.matched, honours)
    best = max(leveled, key=lambda m: level_rank(m.level))
    several = len({m.level for m in leveled}) > 1 or bool(bad)
    return Match(best.level, "several" if several else "ok", text, best.matched, honours)


def honours_in(raw: object) -> tuple[str, ...]:
    return _strip_honours(normalise(raw))[1]


def education_level(raw: object) -> Match:
    """A 学历 cell → 研究生 / 本科 / 专科 / 中专 / 高中 / 初中及以下 (domain.md §2).
    "本科/硕士" is a 学历 with a 学位: 本科.  "硕士学位" alone is a degree: no level."""
    text = "" if raw is None else str(raw)
    s = normalise(text)
    if not s:
        return Match(None, "blank", text)
    v = vocabulary()["education"]
    degree_words = frozenset(normalise(w) for w in v["degree_words"])
    marked = any(normalise(m) in s for m in v["degree_markers"])
    parts = [p for p in _SEPARATORS.split(s) if p]
    results = []
    for i, part in enumerate(parts):
        if i > 0 and part in degree_words:
            continue  # the 学位 half of "本科/学士", "研究生/硕士"
        level, status, alias = tables()["education"].match(part, degree_words if marked else frozenset())
        if status == "unknown" and (marked or part in degree_words):
            status = "degree"
        results.append(Match(level, status, text, alias))
    leveled = [m for m in results if m.level]
    if not leveled:
        return Match(None, results[0].status, text, results[0].matched)
    best = max(leveled, key=lambda m: education_rank(m.level))
    several = len({m.level for m in leveled}) > 1
    return Match(best.level, "several" if several else "ok", text, best.matched)


def _lookup(table: str, raw: object) -> Match:
    text = "" if raw is None else str(raw)
    s = normalise(text)
    if not s:
        return Match(None, "blank", text)
    level, status, alias = tables()[table].match(s)
    return Match(level, status, text, alias)


def category_of(raw: object) -> Match:
    """岗位类别 → 专任教师 / 管理 / 教辅 / 工勤."""
    return _lookup("category", raw)


def employment_of(raw: object) -> Match:
    """专职 / 兼职 from an employment (or category) cell; status unknown when neither."""
    return _lookup("employment", raw)


def is_parttime_sheet(name: str) -> bool:
    """A sheet named like 兼职教师名单 holds part-time teachers."""
    s = normalise(name)
    sheets = vocabulary()["parttime_sheets"]
    if any(normalise(h) in s for h in sheets["not_hints"]):
        return False
    return any(normalise(h) in s for h in sheets["hints"])


@dataclass(frozen=True)
class SheetGroup:
    """What a sheet's (or its file's) name says of its rows: part-time teachers, or a post
    category ("管理/工勤" when it names two non-teaching ones), and which name said so."""

    parttime: bool = False
    category: str | None = None
    source: str | None = None  # "sheet name" | "file name" | None: the name says nothing

    def describe(self) -> str:
        if self.parttime:
            return "part-time teachers"
        if self.category:
            return self.category if self.category == "专任教师" else f"{self.category}, not 专任教师"
        return "full-time staff"


def _named_categories(s: str) -> list[str]:
    v = vocabulary()["sheet_groups"]
    return [c for c in categories() if any(normalise(h) in s for h in v.get(c, ()))]


def sheet_group(sheet: str, file: object = None) -> SheetGroup:
    """The group a sheet's rows belong to by name: the sheet name first; the file name only when
    the sheet name says nothing (a part-time list saved as 兼职教师名单.xlsx, sheet "Sheet")."""
    from pathlib import PurePath

    names = [("sheet name", sheet)]
    if file is not None:
        names.append(("file name", PurePath(str(file)).stem))
    roster_words = [normalise(w) for w in vocabulary()["sheet_groups"]["roster"]]
    for source, name in names:
        s = normalise(name)
        if not s:
            continue
        if is_parttime_sheet(s):
            return SheetGroup(True, None, source)
        cats = _named_categories(s)
        others = [c for c in cats if c != "专任教师"]
        if cats == ["专任教师"]:
            return SheetGroup(False, "专任教师", source)
        if others and "专任教师" not in cats and "教师" not in s:
            return SheetGroup(False, "/".join(others), source)
        if cats or any(w in s for w in roster_words):
            return SheetGroup()  # the roster itself, or a name naming teachers and others
    return SheetGroup()

