"""`ttcalc budget` on a folder, streamed (issue 17): each payroll sheet summed as soon as its
file is read, keeping only what the figures need of it — per unit its fen and rows, per row its
unit code and person key (an 18-character ID as one int64; its name only for people without
an ID) — so that a city's 200 school workbooks are not all held at once.  `finish()` gives the
same Payroll as payroll.sum_payroll over the whole data set: the same totals, the same units
in the same order, the same people (an ID in two files is one person), the same warnings; an
error found in a sheet is raised where sum_payroll would raise it, after the reading."""

from __future__ import annotations

from ttcalc.budget.payroll import Payroll, sheet_fen, unit_part
from ttcalc.cells.idcard import id_codes
from ttcalc.core.errors import InputError

ODD = 1 << 62  # codes of the IDs that are not 17 digits and a check character
REST = ODD + (1 << 61)  # codes of the persons known by name and unit only
_MERGE = 32  # parts kept before they are merged into one (fewer, larger buffers: less fragmentation)


class PayrollDigest:
    """Called with each used payroll sheet (its rows still there), in the data set's order."""

    def __init__(self) -> None:
        self.pay = Payroll()
        self.error: InputError | None = None
        self.unit_codes: dict = {}  # unit (str or None) -> code, in order of first appearance
        self.sums: list[int] = []  # per unit code: fen
        self.rows: list[int] = []  # per unit code: rows used
        self.units: list = []  # per part: numpy int32 unit codes of its rows
        self.ids: list = []  # per part: numpy int64 person codes (-1: no ID; -2: an ID in `odd`)
        self.odd: list = []  # per part: pyarrow string array of its odd IDs, in row order
        self.names: list = []  # per part: pyarrow string array of its names
        self.fresh = 0  # parts taken since the last merge

    def __call__(self, s) -> None:
        if self.error is not None:
            return
        try:
            fen, used = sheet_fen(self.pay, s)
        except InputError as exc:  # raised by finish(), where sum_payroll would raise it
            self.error = exc
            return
        self._take(unit_part(s, fen, used))

    def _take(self, part) -> None:
        import numpy as np

        u_enc = part["unit"].combine_chunks().dictionary_encode(null_encoding="encode")
        local = u_enc.indices.to_numpy(zero_copy_only=False).astype(np.int64)
        to_global = np.empty(len(u_enc.dictionary), dtype=np.int32)
        for k, name in enumerate(u_enc.dictionary.to_pylist()):
            code = self.unit_codes.get(name)
            if code is None:
                code = self.unit_codes[name] = len(self.sums)
                self.sums.append(0)
                self.rows.append(0)
            to_global[k] = code
        fen = part["fen"].combine_chunks().to_numpy(zero_copy_only=False).astype(np.int64)
        sums = np.zeros(len(to_global), dtype=np.int64)
        np.add.at(sums, local, fen)  # in integers: exact
        counts = np.bincount(local, minlength=len(to_global))
        for k, code in enumerate(to_global.tolist()):
            self.sums[code] += int(sums[k])
            self.rows[code] += int(counts[k])
        self.units.append(to_global[local])
        ids = part["id"].combine_chunks()
        codes, odd = id_codes(ids)
        self.ids.append(codes)
        self.odd.append(odd)
        self.names.append(part["name"].combine_chunks())
        self.fresh += 1
        if self.fresh >= _MERGE:
            self._merge()

    def _merge(self) -> None:
        """The parts taken since the last merge, as one block each (earlier blocks stay as they
        are: nothing is copied twice)."""
        import numpy as np
        import pyarrow as pa

        k, self.fresh = self.fresh, 0
        if k > 1:
            self.units[-k:] = [np.concatenate(self.units[-k:])]
            self.ids[-k:] = [np.concatenate(self.ids[-k:])]
            self.odd[-k:] = [pa.concat_arrays(self.odd[-k:])]
            self.names[-k:] = [pa.concat_arrays(self.names[-k:])]

    def finish(self) -> Payroll:
        from ttcalc.core.heap import give_back

        if self.error is not None:
            raise self.error
        if not self.units:
            return self.pay
        give_back()  # what the read left in the heap, handed back before the sort takes its own
        pay = self._count()
        give_back()  # the sort's buffers: freed, and handed back before the report is built
        return pay

    def _count(self) -> Payroll:
        import numpy as np
        import pyarrow as pa

        pay = self.pay
        unit = np.concatenate(self.units)
        self.units = []
        code = np.concatenate(self.ids)
        self.ids = []
        code = _person_codes(unit, code, pa.concat_arrays(self.odd), pa.chunked_array(self.names, pa.string()),
                             list(self.unit_codes))
        self.odd = self.names = []
        keyless = not (code != -1).all()
        if keyless:
            valid = code != -1
            unit, code = unit[valid], code[valid]
            del valid
        # (unit, person) distinct, sorted by unit then person; then the persons alone
        order = np.lexsort((code, unit))
        u = unit[order]
        del unit
        c = code[order]
        del code, order  # a million rows: each copy let go as soon as it is not needed
        first = np.ones(len(u), dtype=bool)
        first[1:] = (u[1:] != u[:-1]) | (c[1:] != c[:-1])
        people = np.bincount(u[first], minlength=len(self.sums))
        del u, first
        c.sort()
        n = int(np.count_nonzero(c[1:] != c[:-1])) + 1 if len(c) else 0
        pay.people = n + (1 if keyless else 0)  # no key at all: one more, as sum_payroll
        for name, c in self.unit_codes.items():
            pay.units[name] = [self.sums[c], self.rows[c], int(people[c])]
        self.units = self.ids = self.odd = self.names = []
        return pay


def _person_codes(unit, code, odd, names, unit_names: list):
    """A person code for each row (-1: none), as payroll.person_codes decides who is who: a
    person is their ID; a row without one takes the least ID (in text order) that a row of the
    same name and unit carries, else its name and unit stand for the person (the same person as
    an ID spelled so).  On codes: the names of the rows with an ID are looked at only where
    they can match."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    from ttcalc.core.arrays import arrow_of

    # (the codes are the digest's own: changed in place)
    odd_at = code == -2
    odd_dict = pa.array([], pa.string())
    if odd_at.any():
        enc = odd.dictionary_encode()
        code[odd_at] = ODD + enc.indices.to_numpy(zero_copy_only=False).astype(np.int64)
        odd_dict = enc.dictionary
    none = np.flatnonzero(code == -1)
    if not len(none):
        return code
    unit_text = pa.array(unit_names, pa.string())

    def who(rows):  # name|unit of these rows, as payroll.person_codes joins them (null without a unit)
        taken = arrow_of(rows)
        return pc.binary_join_element_wise(pc.fill_null(names.take(taken), ""),
                                           unit_text.take(arrow_of(unit[rows])), "|")

    who_none = who(none)
    wanted = who_none.unique().drop_null()
    n_who = len(wanted)
    if not n_who:
        return code
    w_none = pc.index_in(who_none, value_set=wanted).fill_null(n_who).to_numpy(zero_copy_only=False)
    # the rows with an ID whose name and unit are wanted: found by name first when every wanted
    # name|unit splits one way only (one "|"), else among every row with an ID
    has = code != -1
    parts = [t.split("|") for t in wanted.to_pylist()]
    if all(len(p) == 2 for p in parts):
        named = pc.is_in(pc.fill_null(names, ""), value_set=pa.array([p[0] for p in parts], pa.string()))
        near = np.flatnonzero(has & named.to_numpy(zero_copy_only=False))
    else:
        near = np.flatnonzero(has)
    w_near = pc.index_in(who(near), value_set=wanted).fill_null(n_who).to_numpy(zero_copy_only=False)         if len(near) else np.zeros(0, dtype=np.int64)
    lend = w_near < n_who
    least: dict[int, tuple[str, int]] = {}  # wanted -> (the least ID text, its code)
    for w, c in zip(w_near[lend].tolist(), code[near[lend]].tolist()):
        text = _id_text(c, odd_dict)
        if w not in least or text < least[w][0]:
            least[w] = (text, c)
    piped = {t: ODD + k for k, t in enumerate(odd_dict.to_pylist()) if "|" in t}  # IDs that read like name|unit
    wanted_text = wanted.to_pylist()
    for row, w in zip(none.tolist(), w_none.tolist()):
        if w >= n_who:
            continue  # no name and unit to stand for the person
        if w in least:
            code[row] = least[w][1]
        else:
            code[row] = piped.get(wanted_text[w], REST + w)
    return code


def _id_text(code: int, odd_dict) -> str:
    if code >= ODD:
        return odd_dict[code - ODD].as_py()
    head, check = divmod(code, 11)
    return f"{head:017d}" + ("X" if check == 10 else str(check))
