"""The payroll base of a province-scale data set, summed by DuckDB (read.engine): the same
figures as budget.payroll, computed where the rows are.

Person key, as budget.payroll._person_codes: the ID; a row without one takes the least ID its
name and unit carry on another row, else its name and unit ("name|unit") stand for the person
— the same person as an ID spelled so.  Sums are integer fen (BIGINT; HUGEINT in the sum).

One hash aggregate by person does the work: people is its row count, and when every person
has one unit (the usual case) the units' figures come from it; persons paid by two units or
more are counted again per unit from their own rows."""

from __future__ import annotations


def engine_sums(engine) -> tuple[int, int, dict, int]:
    """(total fen, person rows, {unit: [fen, rows, people]}, people) of the rows used."""
    no_id = engine.query("SELECT count(*) FROM rows WHERE k = 0 AND id IS NULL")[0][0]
    if no_id:
        who = "coalesce(name, '') || '|' || unit"
        used = (f"(WITH lend AS (SELECT {who} AS w, min(id) AS least FROM rows WHERE k = 0 AND id IS NOT NULL "
                f"AND {who} IN (SELECT {who} FROM rows WHERE k = 0 AND id IS NULL) GROUP BY w) "
                f"SELECT unit, fen, coalesce(id, (SELECT least FROM lend WHERE lend.w = {who}), {who}) AS person "
                f"FROM rows WHERE k = 0)")
    else:
        used = "(SELECT unit, fen, id AS person FROM rows WHERE k = 0)"
    con = engine.con
    persons = "ids"  # read.engine.person_ids: one row per ID, when every row has one
    if no_id:
        persons = "persons"
        con.execute(f"CREATE TEMP TABLE persons AS SELECT person, min(unit) AS unit, max(unit) <> min(unit) AS many, "
                    f"sum(fen)::HUGEINT AS fen, count(*) AS n FROM {used} GROUP BY person")
    units = {}
    for unit, fen, n, people in con.execute(
            f"SELECT unit, sum(fen), sum(n), count(*) FROM {persons} WHERE NOT many GROUP BY unit").fetchall():
        units[unit] = [int(fen), int(n), int(people)]
    if con.execute(f"SELECT count(*) FROM {persons} WHERE many").fetchone()[0]:
        for unit, fen, n, people in con.execute(
                f"SELECT u.unit, sum(u.fen), count(*), count(DISTINCT u.person) FROM {used} u "
                f"SEMI JOIN (SELECT {'id' if persons == 'ids' else 'person'} AS person FROM {persons} WHERE many) m ON u.person = m.person GROUP BY u.unit").fetchall():
            got = units.setdefault(unit, [0, 0, 0])
            got[0], got[1], got[2] = got[0] + int(fen), got[1] + int(n), got[2] + int(people)
    fen, rows, people = con.execute(f"SELECT sum(fen), sum(n), count(*) FROM {persons}").fetchone()
    return int(fen or 0), int(rows or 0), units, int(people)
