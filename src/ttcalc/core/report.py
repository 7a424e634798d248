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

