"""The payroll base of a province-scale data set, summed by DuckDB (read.engine): the same
figures as budget.payroll, computed where the rows are.

Person key, as budget.payroll._person_codes: the ID; a row without one takes the least ID its
name and unit carry on another row, else its name and unit ("name|unit") stand for the person
— the same person as an ID spelled so.  An ID is held as an integer `key` (17 digits and a
check value) or, of another shape, as text `oid` (read.engine_sql.id_sql); "name|unit" is an
`oid` too.  Sums are integer fen (BIGINT; HUGEINT in the sum).

The reader's table `per_unit` (one pass over the view `ids`: one row per ID with its rows,
fen, least and greatest hash of its units; table `units` names each hash) does the work: when
every person has one unit (the usual case) the figures come from it alone.  Rows without an
ID (few) are keyed, merged with the IDs they join (`touched`: the merged persons, with what
`ids` said of them before, `had`), and the figures corrected by the difference; persons paid by two units or more are counted again per unit
from their own rows."""

from __future__ import annotations

from ttcalc.read.engine_lists import SAME, WHAT
from ttcalc.read.engine_sql import id_text, key_of

WHO = "coalesce(name, '') || '|' || unit"


def engine_sums(engine) -> tuple[int, int, dict, int]:
    """(total fen, person rows, {unit: [fen, rows, people]}, people) of the rows used."""
    con = engine.con

    def rows_of(sql):
        return con.execute(sql).fetchall()

    units: dict = {}
    names = dict(rows_of("SELECT h, unit FROM units"))

    def add(found, sign=1):
        for h, fen, n, people in found:
            got = units.setdefault(names[h], [0, 0, 0])
            got[0], got[1], got[2] = got[0] + sign * int(fen), got[1] + sign * int(n), got[2] + sign * int(people)

    add(rows_of("SELECT h, fen, n, people FROM per_unit WHERE h IS NOT NULL"))
    fen, rows, people, multi_people = rows_of("SELECT sum(fen), sum(n), sum(people), "
                                              "coalesce(sum(people) FILTER (WHERE h IS NULL), 0) FROM per_unit")[0]
    fen, rows, people, more = int(fen or 0), int(rows or 0), int(people or 0), bool(multi_people)
    multi = "SELECT key, oid FROM ids WHERE hmin <> hmax"
    keyed = "SELECT unit, fen, key, oid FROM rows WHERE k = 0 AND (key IS NOT NULL OR oid IS NOT NULL)"
    if rows_of("SELECT count(*) FROM rows WHERE k = 0 AND key IS NULL AND oid IS NULL")[0][0]:
        ident = f"coalesce(oid, {id_text('key')})"
        con.execute(f"CREATE TEMP TABLE nid AS SELECT {WHO} AS who, unit, fen FROM rows "
                    "WHERE k = 0 AND key IS NULL AND oid IS NULL")
        con.execute(f"CREATE TEMP TABLE lend AS SELECT {WHO} AS who, min({ident}) AS least FROM rows "
                    f"WHERE k = 0 AND (key IS NOT NULL OR oid IS NOT NULL) AND {WHO} IN (SELECT who FROM nid) "
                    "GROUP BY ALL")
        con.execute(f"CREATE TEMP TABLE nidk AS SELECT unit, fen, {key_of('p')} AS key, "
                    f"(CASE WHEN {key_of('p')} IS NULL THEN p END) AS oid FROM "
                    "(SELECT x.unit, x.fen, coalesce(l.least, x.who) AS p FROM nid x LEFT JOIN lend l USING (who))")
        con.execute(f"CREATE TEMP TABLE extra AS SELECT key, oid, {WHAT} FROM nidk GROUP BY key, oid")
        # what `ids` says of the IDs the rows without one join: their own rows only (a semi join)
        con.execute(f"CREATE TEMP TABLE had AS SELECT key, NULL::VARCHAR AS oid, {WHAT} FROM rows WHERE k = 0 "
                    f"AND key IN (SELECT key FROM extra WHERE key IS NOT NULL) GROUP BY key UNION ALL "
                    f"SELECT NULL, oid, {WHAT} FROM rows WHERE k = 0 AND oid IN "
                    f"(SELECT oid FROM extra WHERE oid IS NOT NULL) GROUP BY oid")
        con.execute("CREATE TEMP TABLE touched AS SELECT x.key, x.oid, coalesce(i.n, 0) + x.n AS n, "
                    "least(i.hmin, x.hmin) AS hmin, greatest(i.hmax, x.hmax) AS hmax, coalesce(i.fen, 0) + x.fen AS fen, "
                    "i.n IS NOT NULL AS had, i.hmin AS was_hmin, i.hmax AS was_hmax, i.fen AS was_fen, i.n AS was_n "
                    f"FROM extra x LEFT JOIN had i ON {SAME.format(a='i', b='x')}")
        add(rows_of("SELECT was_hmin, sum(was_fen), sum(was_n), count(*) FROM touched "
                    "WHERE had AND was_hmin = was_hmax GROUP BY was_hmin"), -1)
        add(rows_of("SELECT hmin, sum(fen), sum(n), count(*) FROM touched WHERE hmin = hmax GROUP BY hmin"))
        more_fen, more_rows, new, had, multi_touched = rows_of(
            "SELECT sum(fen - coalesce(was_fen, 0)), sum(n - coalesce(was_n, 0)), count(*), "
            "count(*) FILTER (WHERE had), count(*) FILTER (WHERE hmin <> hmax) FROM touched")[0]
        fen, rows, people = fen + int(more_fen or 0), rows + int(more_rows or 0), people + int(new) - int(had)
        more = more or bool(multi_touched)
        multi = (f"SELECT m.key, m.oid FROM ({multi}) m ANTI JOIN touched t ON {SAME.format(a='m', b='t')} "
                 "UNION ALL SELECT key, oid FROM touched WHERE hmin <> hmax")
        keyed += " UNION ALL SELECT unit, fen, key, oid FROM nidk"
    if more:
        add(rows_of(f"SELECT hash(unit), sum(fen), sum(n), count(*) FROM (SELECT u.unit, u.key, u.oid, "
                    f"sum(u.fen) AS fen, count(*) AS n FROM ({keyed}) u SEMI JOIN ({multi}) m "
                    f"ON {SAME.format(a='u', b='m')} GROUP BY ALL) GROUP BY unit"))
    units = {u: v for u, v in units.items() if v != [0, 0, 0]}
    return fen, rows, units, people
