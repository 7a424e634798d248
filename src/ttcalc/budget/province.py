"""The payroll base of a province-scale data set, summed by DuckDB (read.engine): the same
figures as budget.payroll, computed where the rows are.

Person key, as budget.payroll._person_codes: the ID; a row without one takes the least ID its
name and unit carry on another row, else its name and unit ("name|unit") stand for the person
— the same person as an ID spelled so.  Sums are integer fen (BIGINT; HUGEINT in the sum).

The reader's table `ids` (one row per ID: rows, fen, least and greatest unit) does the work:
people is its row count, and when every person has one unit (the usual case) the units'
figures come from it.  Rows without an ID (few) are keyed and merged into it; persons paid by
two units or more are counted again per unit from their own rows."""

from __future__ import annotations

WHO = "coalesce(name, '') || '|' || unit"


def engine_sums(engine) -> tuple[int, int, dict, int]:
    """(total fen, person rows, {unit: [fen, rows, people]}, people) of the rows used."""
    con = engine.con
    persons, keyed = "ids", "SELECT unit, fen, id AS person FROM rows WHERE k = 0"
    if con.execute("SELECT count(*) FROM rows WHERE k = 0 AND id IS NULL").fetchone()[0]:
        con.execute(f"CREATE TEMP TABLE nid AS SELECT {WHO} AS who, unit, fen FROM rows WHERE k = 0 AND id IS NULL")
        con.execute(f"CREATE TEMP TABLE lend AS SELECT {WHO} AS who, min(id) AS least FROM rows "
                    f"WHERE k = 0 AND id IS NOT NULL AND {WHO} IN (SELECT who FROM nid) GROUP BY ALL")
        con.execute("CREATE TEMP TABLE extra AS SELECT coalesce(l.least, x.who) AS person, min(x.unit) AS umin, "
                    "max(x.unit) AS umax, sum(x.fen)::BIGINT AS fen, count(*) AS n FROM nid x "
                    "LEFT JOIN lend l USING (who) GROUP BY 1")
        con.execute("CREATE TEMP TABLE persons AS SELECT coalesce(i.id, x.person) AS id, "
                    "coalesce(i.n, 0) + coalesce(x.n, 0) AS n, least(i.umin, x.umin) AS umin, "
                    "greatest(i.umax, x.umax) AS umax, coalesce(i.fen, 0) + coalesce(x.fen, 0) AS fen "
                    "FROM ids i FULL OUTER JOIN extra x ON i.id = x.person")
        persons = "persons"
        keyed = ("SELECT unit, fen, id AS person FROM rows WHERE k = 0 AND id IS NOT NULL UNION ALL "
                 "SELECT x.unit, x.fen, coalesce(l.least, x.who) FROM nid x LEFT JOIN lend l USING (who)")
    units = {}
    for unit, fen, n, people in con.execute(
            f"SELECT umin, sum(fen), sum(n), count(*) FROM {persons} WHERE umin = umax GROUP BY umin").fetchall():
        units[unit] = [int(fen), int(n), int(people)]
    if con.execute(f"SELECT count(*) FROM {persons} WHERE umin <> umax").fetchone()[0]:
        for unit, fen, n, people in con.execute(
                f"SELECT u.unit, sum(u.fen), count(*), count(DISTINCT u.person) FROM ({keyed}) u "
                f"SEMI JOIN (SELECT id FROM {persons} WHERE umin <> umax) m ON u.person = m.id GROUP BY u.unit"
        ).fetchall():
            got = units.setdefault(unit, [0, 0, 0])
            got[0], got[1], got[2] = got[0] + int(fen), got[1] + int(n), got[2] + int(people)
    fen, rows, people = con.execute(f"SELECT sum(fen), sum(n), count(*) FROM {persons}").fetchone()
    return int(fen or 0), int(rows or 0), units, int(people)
