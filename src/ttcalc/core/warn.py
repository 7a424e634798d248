"""One warning type and one capped collector, for every layer.

A warning names where (file, sheet, row, column) and what (a code and its parameters); the
output layer words it.  The collector keeps at most `cap` warnings per code and sheet and,
past the cap, one summary warning "and N more" — never a silent cut.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ttcalc.core.msg import Msg

WARN_CAP = 200


@dataclass(slots=True)  # a folder's run holds tens of thousands: no __dict__ each (232 -> ~130 bytes)
class Warn:
    code: str
    file: str | None = None
    sheet: str | None = None
    row: int | None = None
    column: str | None = None
    params: dict = field(default_factory=dict)

    @property
    def message(self) -> Msg:
        """The words of the warning: its parameters, and where it is (file, sheet, row, column)
        for a template that names them."""
        where = {k: v for k, v in (("file", self.file), ("sheet", self.sheet), ("row", self.row),
                                   ("column", self.column)) if v is not None}
        return Msg("warning." + self.code, {**where, **self.params})

    def as_dict(self) -> dict:
        out = {"code": self.code, "file": self.file, "sheet": self.sheet, "row": self.row}
        if self.column is not None:
            out["column"] = self.column
        out["message"] = self.message
        return out


class Warnings:
    """A capped list of warnings: `add(...)` each; `items()` gives them with the
    "and N more" summaries (code `more`) appended where a cap was reached."""

    def __init__(self, cap: int = WARN_CAP) -> None:
        self.cap = cap
        self._items: list[Warn] = []
        self._counts: dict[tuple, int] = {}

    def add(self, code: str, file=None, sheet=None, row=None, column=None, **params) -> None:
        key = (code, None if file is None else str(file), sheet)
        n = self._counts.get(key, 0) + 1
        self._counts[key] = n
        if n <= self.cap:
            self._items.append(Warn(code, None if file is None else str(file), sheet,
                                    None if row is None else int(row), column, params))

    def extend(self, warnings) -> None:
        for w in warnings:
            self.add(w.code, w.file, w.sheet, w.row, w.column, **w.params)

    def __len__(self) -> int:
        return len(self._items)

    def items(self) -> list[Warn]:
        out = list(self._items)
        for (code, file, sheet), n in self._counts.items():
            if n > self.cap:
                out.append(Warn("more", file, sheet, None, None, {"code": code, "n": n - self.cap}))
        return out
