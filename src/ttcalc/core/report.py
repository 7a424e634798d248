"""The result every command returns: figures, checks, inputs and warnings, in the JSON shape
of spec §4.  Commands build a Report; `render` turns it into table, JSON, CSV or Markdown."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from ttcalc import __version__


@dataclass
class Report:
    command: str
    as_of: date
    policy: dict | None = None
    inputs: list[dict] = field(default_factory=list)
    figures: dict = field(default_factory=dict)
    by_unit: list[dict] | None = None
    by_person: list[dict] | None = None
    checks: list = field(default_factory=list)
    warnings: list[dict] = field(default_factory=list)
    definitions: dict = field(default_factory=dict)  # ttcalc's own choices, stated (domain.md §6)
    notes: list[str] = field(default_factory=list)
    extra: dict = field(default_factory=dict)  # command-specific JSON sections (e.g. inspect's sheets)
    tables: dict = field(default_factory=dict)  # title -> {"headers", "rows"}: for table/Markdown only
    dataset: object = field(default=None, repr=False, compare=False)  # the rows as read (not in JSON)

    def rows(self):
        """The rows as read, one pandas DataFrame: the file, sheet and sheet row of each, why a
        row was skipped (null when it was used), and the fields the command read."""
        import pandas as pd

        frames = []
        for s in getattr(self.dataset, "used", []) or []:
            if s.data is None:
                continue
            frame = s.data.to_pandas()
            frame.insert(0, "file", str(s.file))
            frame.insert(1, "sheet", s.sheet)
            frames.append(frame.rename(columns={"_row": "row", "_skip": "skipped"}))
        if not frames:
            return pd.DataFrame(columns=["file", "sheet", "row", "skipped"])
        return pd.concat(frames, ignore_index=True)

    @property
    def failed(self) -> list:
        return [c for c in self.checks if c.failed]

    @property
    def exit_code(self) -> int:
        return 1 if self.failed else 0

    def as_dict(self) -> dict:
        out = {"tool": "ttcalc", "version": __version__, "command": self.command,
               "as_of": self.as_of.isoformat(), "policy": self.policy, "inputs": self.inputs,
               "figures": self.figures}
        if self.by_unit is not None:
            out["by_unit"] = self.by_unit
        if self.by_person is not None:
            out["by_person"] = self.by_person
        out["checks"] = [c.as_dict() for c in self.checks]
        out["warnings"] = self.warnings
        if self.definitions:
            out["definitions"] = self.definitions
        if self.notes:
            out["notes"] = self.notes
        out.update(self.extra)
        return out

