"""The log's rows grouped by person, with roles from the log's role column or --roster.

A person is keyed by 身份证号, else by name; a name-only row joins the one person of that
name who has an ID.  Roles: leader (领导班子), staff (专职教研员/专任教师), parttime; the
role words are data (activity_types.toml [roles]).  Without any role anywhere, everyone in
the log is taken as full-time staff (stated in the report's definitions) and the leader
checks are not applicable.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from ttcalc.cells.dates import parse_date
from ttcalc.duties.log import Activity, role_of
from ttcalc.read import reader


@dataclass
class Person:
    key: str
    name: str | None
    id: str | None
    role: str | None = None
    joined: date | None = None
    left: date | None = None
    on_roster: bool = False
    rows: list[Activity] = field(default_factory=list)
    figures: dict = field(default_factory=dict)
    status: dict = field(default_factory=dict)  # check id -> pass | fail | unknown
    still: dict = field(default_factory=dict)

    def dates(self, cls: str) -> set[date]:
        return {d for a in self.rows if cls in a.classes for d in a.days}


def people_of(rows: list[Activity]) -> dict[str, Person]:
    with_id: dict[str, str] = {}
    for a in rows:
        if a.id and a.name:
            prev = with_id.get(a.name)
            with_id[a.name] = a.id if prev in (None, a.id) else ""  # "": two IDs, the name alone is no key
    people: dict[str, Person] = {}
    for a in rows:
        key = a.id or with_id.get(a.name or "") or a.key
        p = people.setdefault(key, Person(key, a.name, a.id))
        p.name, p.id = p.name or a.name, p.id or a.id
        p.role = p.role or a.role
        p.rows.append(a)
    return people


def apply_roster(paths: list[str], people: dict[str, Person], warn):
    """Roles (and 调入/调出 dates) from the roster; roster people without log rows join with
    none (they are the ones the two-year rule is about).  Returns the roster DataSet."""
    data = reader.read(list(paths), "roster")
    by_name = {p.name: p for p in people.values() if p.name}
    for s in data.used:
        for r in s.data.to_pylist():
            if r.get("_skip") is not None:
                continue
            vid, name = r.get("id") or None, (r.get("name") or "").strip() or None
            person = people.get(vid) if vid else None
            if person is None and name in by_name and (vid is None or by_name[name].id in (None, vid)):
                person = by_name[name]
            if person is None:
                person = people.setdefault(vid or name, Person(vid or name, name, vid))
            person.on_roster = True
            role = role_of(r.get("role")) or role_of(r.get("category")) or role_of(r.get("employment"))
            person.role = role or person.role
            person.joined = _date(r.get("join")) or person.joined
            person.left = _date(r.get("leave")) or person.left
    return data


def _date(text) -> date | None:
    try:
        d, _note = parse_date(text)
        return d
    except ValueError:
        return None
