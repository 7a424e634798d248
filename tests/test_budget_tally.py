"""budget.payroll._tally in bulk (issue 17) against the person-key rule written out plainly:
a person is their ID; a row without one takes the least ID its name and unit carry on another
row; else name and unit stand for the person.  Fen sums exact, beyond float's 2**53."""

import numpy as np
import pyarrow as pa
from hypothesis import given, settings
from hypothesis import strategies as st

from ttcalc.budget.payroll import Payroll, _tally

ROW = st.tuples(st.sampled_from(["甲校", "乙校", "x|y", "丙"]),
                st.integers(-(10**13), 10**13),
                st.one_of(st.none(), st.sampled_from(["1101", "1102", "0999", "甲|甲校", ""])),
                st.one_of(st.none(), st.sampled_from(["甲", "乙", ""])))


def reference(rows):
    least = {}
    for unit, _fen, pid, name in rows:
        if pid is not None:
            who = f"{name or ''}|{unit}"
            least[who] = min(least.get(who, pid), pid)
    units, everyone = {}, set()
    for unit, fen, pid, name in rows:
        key = pid if pid is not None else least.get(f"{name or ''}|{unit}", f"{name or ''}|{unit}")
        everyone.add(key)
        u = units.setdefault(unit, [0, 0, set()])
        u[0] += fen
        u[1] += 1
        u[2].add(key)
    return len(everyone), {u: [f, n, len(k)] for u, (f, n, k) in units.items()}


def table(rows):
    cols = list(zip(*rows)) if rows else [[], [], [], []]
    return pa.table([pa.array(cols[0], pa.string()), pa.array(np.array(cols[1], dtype=np.int64)),
                     pa.array(cols[2], pa.string()), pa.array(cols[3], pa.string())],
                    names=["unit", "fen", "id", "name"])


@settings(max_examples=300, deadline=None)
@given(st.lists(st.lists(ROW, max_size=25), min_size=1, max_size=3))
def test_tally_matches_the_rule(sheets):
    pay = Payroll(parts=[table(rows) for rows in sheets])
    _tally(pay)
    people, units = reference([r for rows in sheets for r in rows])
    assert (pay.people, pay.units) == (people, units)


def test_sums_stay_exact_past_float():
    big = 2**53 + 1
    pay = Payroll(parts=[table([("甲校", big, "1", None), ("甲校", 1, "1", None), ("乙校", -big, None, "甲")])])
    _tally(pay)
    assert pay.units == {"甲校": [big + 1, 2, 1], "乙校": [-big, 1, 1]} and pay.people == 2
