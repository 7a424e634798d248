"""What a command is, to the pipeline (`ttcalc.pipeline`): its options and its declaration.

A command package declares one `Command`; its check ids are declared here once, so that
`ttcalc check` can list them as not_applicable when the command's input is missing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path


@dataclass
class Options:
    """What every command takes (spec §2), plus the command's own options in `extra`."""
    policy: str | None = None
    as_of: date | None = None
    sheets: list[str] | None = None
    maps: dict[str, str] = field(default_factory=dict)
    output: Path | None = None
    overwrite: bool = False
    lang: str = "zh"
    redact: bool = False
    progress: Callable | None = None
    vet: Callable | None = None  # (path, grids | None) -> InputError | None: a file refused (read.reader.read)
    extra: dict = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.as_of = self.as_of or date.today()
        self.output = Path(self.output) if self.output is not None else None


@dataclass(frozen=True)
class Command:
    name: str
    kind: str  # the table the reader looks for: payroll | roster | hours
    default_policy: str
    check_ids: tuple[str, ...]
    compute: Callable  # (dataset, profile, options, prepared) -> (Report, workbook context)
    workbook: str  # module of ttcalc.output.workbook that writes the annotated workbook
    keep: frozenset | None = None  # fields the command needs of a row (the rest is dropped early)
    prepare: Callable | None = None  # (profile, options) -> prepared; raises InputError on bad options
    extra_inputs: Callable | None = None  # options -> more input paths (never written over)
    digest: Callable | None = None  # () -> a per-sheet consumer with finish(): a folder read as a stream


def callable_module(module_name: str, api_name: str) -> None:
    """Make a command package callable as its API function: `ttcalc.budget(...)` is
    `ttcalc.api.budget(...)` even once the package `ttcalc.budget` has been imported (a
    package attribute would otherwise hide the function)."""
    import sys
    import types

    class _Command(types.ModuleType):
        def __call__(self, *args, **kwargs):
            from importlib import import_module

            return getattr(import_module("ttcalc.api"), api_name)(*args, **kwargs)

    sys.modules[module_name].__class__ = _Command
