"""What read.engine lists of a data set's rows: skipped rows, ID warnings and duplicates, each
the first rows (in sheet order) and how many in all — small answers to SQL over table `rows`."""

from __future__ import annotations

from ttcalc.core.warn import Warn
from ttcalc.read.engine_sql import SKIP_CODES

LIST_CAP = 1000  # skipped rows listed per sheet (read.summary.inputs_block)


def row_of(engine, plans: list, f: int, rowid: int, r) -> int:
    """The sheet row of a data row: its position in the file (Parquet), else in the table."""
    pos = r if r is not None else rowid - engine.offsets[f]
    return plans[f].first_row + int(pos)


def skipped_rows(engine, plans: list) -> dict:
    """Per file: (blank rows, [(row, code)…] first LIST_CAP, how many skipped in all)."""
    out = {f: [0, [], 0] for f in range(len(plans))}
    for f, k, n in engine.query("SELECT f, k, count(*) FROM rows WHERE k > 0 GROUP BY ALL"):
        if k == 1:
            out[f][0] = n
        else:
            out[f][2] += n
    for f, firsts in engine.query(f"SELECT f, min({engine.pos} * 8 + k, {LIST_CAP}) FROM rows "
                                  "WHERE k > 1 GROUP BY f"):
        out[f][1] = [(row_of(engine, plans, f, v // 8, v // 8 if plans[f].row_sql else None), SKIP_CODES[v % 8])
                     for v in sorted(firsts)]
    return out


def id_warnings(engine, plans: list, cap: int) -> dict:
    """Per file: [Warn…] of the ID problems of person rows, `cap` rows a code, then "and N more"."""
    from ttcalc.read.engine_sql import ID_CODES
    from ttcalc.read.rowchecks import ID_PROBLEMS

    found = {}
    for f, p, n, firsts in engine.query(f"SELECT f, p, count(*), min({engine.pos}, {cap}) FROM rows "
                                        "WHERE k = 0 AND p > 0 GROUP BY ALL"):
        found[(f, ID_CODES[p])] = (n, sorted(firsts))
    out = {f: [] for f in range(len(plans))}
    for f, warns in out.items():
        for code in ID_PROBLEMS:
            if (f, code) in found:
                n, firsts = found[(f, code)]
                where = (str(plans[f].path), plans[f].path.stem)
                warns += [Warn(f"id_{code}", *where, row_of(engine, plans, f, v, v if plans[f].row_sql else None),
                                None, {}) for v in firsts]
                if n > cap:
                    warns.append(Warn("more", *where, None, None, {"code": f"id_{code}", "n": n - cap}))
    return out


WHAT = "count(*) AS n, min(hash(unit)) AS hmin, max(hash(unit)) AS hmax, sum(fen)::BIGINT AS fen"
PART_ROWS = 2_000_000  # person rows a pass of per_unit groups at most (its hash table is the peak of memory)


def person_ids(engine) -> None:
    """View `ids`: one row per ID of the person rows (key, or oid for an ID of another shape:
    read.engine_sql.id_sql; how many rows, their fen, the least and greatest hash of their
    unit — table `units` names them), computed anew where it is used; table `per_unit`: what
    one pass over it tells — per unit hash (NULL: persons of two units or more) the fen, rows,
    people, and people met twice.  Nothing per person is kept, and the persons are grouped in
    parts by the key's remainder, each under PART_ROWS rows (memory)."""
    keyed = f"SELECT key, NULL::VARCHAR AS oid, {WHAT} FROM rows WHERE k = 0 AND key IS NOT NULL{{part}} GROUP BY key"
    odd = f"SELECT NULL, oid, {WHAT} FROM rows WHERE k = 0 AND oid IS NOT NULL GROUP BY oid"
    keys, odds = engine.query("SELECT count(key), count(oid) FROM rows WHERE k = 0")[0]
    engine.con.execute(f"CREATE TEMP VIEW ids AS {keyed.format(part='')}" + (f" UNION ALL {odd}" if odds else ""))
    summary = ("(CASE WHEN hmin = hmax THEN hmin END) AS h, sum(fen)::HUGEINT AS fen, sum(n)::BIGINT AS n, "
               "count(*) AS people, count(*) FILTER (WHERE n > 1) AS twice")
    parts = max(1, -(-keys // PART_ROWS))
    passes = [keyed.format(part=f" AND key % {parts} = {i}" if parts > 1 else "") for i in range(parts)]
    engine.con.execute("CREATE TEMP TABLE per_part (h UBIGINT, fen HUGEINT, n BIGINT, people BIGINT, twice BIGINT)")
    for sql in passes + ([odd] if odds else []):
        engine.con.execute(f"INSERT INTO per_part SELECT {summary} FROM ({sql}) GROUP BY 1")
    engine.con.execute("CREATE TEMP TABLE per_unit AS SELECT h, sum(fen)::HUGEINT AS fen, sum(n)::BIGINT AS n, "
                       "sum(people)::BIGINT AS people, sum(twice)::BIGINT AS twice FROM per_part GROUP BY h")


SAME = "{a}.key IS NOT DISTINCT FROM {b}.key AND {a}.oid IS NOT DISTINCT FROM {b}.oid"  # the same ID


def duplicates(engine, plans: list, cap: int):
    """(within: per file [row…] of persons met again in the same file (same ID, and month),
    first `cap`, with the count; across: [(f, row, first f, first row)…] first `cap`)."""
    within = {f: ([], 0) for f in range(len(plans))}
    if not engine.query("SELECT coalesce(sum(twice), 0) FROM per_unit")[0][0]:
        return within, []  # nobody twice: the usual case, known from `ids` alone
    engine.con.execute(f"CREATE TEMP TABLE again AS SELECT f, pos, key, oid, month FROM (SELECT f, k, key, oid, "
                       f"{engine.pos} AS pos, {engine.month} AS month FROM rows) t "
                       f"SEMI JOIN (SELECT key, oid FROM ids WHERE n > 1) d ON {SAME.format(a='t', b='d')} WHERE t.k = 0")
    has_month = any(p.month_source for p in plans)
    key = "key, oid, month" if has_month else "key, oid"
    for f, n, firsts in engine.query(
            f"WITH g AS (SELECT f, {key}, min(pos) AS first FROM again GROUP BY ALL HAVING count(*) > 1) "
            f"SELECT t.f, count(*), min(t.pos, {cap}) FROM again t "
            f"JOIN g ON t.f = g.f AND {SAME.format(a='t', b='g')} "
            f"{'AND t.month IS NOT DISTINCT FROM g.month' if has_month else ''} "
            f"WHERE t.pos <> g.first GROUP BY t.f"):
        within[f] = ([row_of(engine, plans, f, v, v if plans[f].row_sql else None) for v in sorted(firsts)], n)
    across = []
    monthly = [f for f, p in enumerate(plans) if p.month_source]
    if len(monthly) > 1:
        big = 10**12
        rows = engine.query(
            f"WITH u AS (SELECT f, pos, key, oid, coalesce(month, '') AS m FROM again "
            f"WHERE f IN ({', '.join(map(str, monthly))})), "
            f"g AS (SELECT key, oid, m, min(f * {big} + pos) AS fp FROM u GROUP BY key, oid, m "
            f"HAVING count(DISTINCT f) > 1) "
            f"SELECT u.f, u.pos, g.fp FROM u JOIN g ON {SAME.format(a='u', b='g')} AND u.m = g.m "
            f"WHERE u.f <> g.fp // {big} ORDER BY u.f, u.pos LIMIT {cap}")
        for f, p, fp in rows:
            ff, fpos = divmod(fp, big)
            across.append((f, row_of(engine, plans, f, p, p if plans[f].row_sql else None),
                           ff, row_of(engine, plans, ff, fpos, fpos if plans[ff].row_sql else None)))
    return within, across
