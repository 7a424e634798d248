"""The options every command shares (as Typer annotations) and the formats and languages.

Help texts and metavars are not here: they are in the catalogs (`[cli.option]`,
`[cli.own.COMMAND]`, `[cli.metavar]`), found by the parameter's name (`ttcalc.cli.surface`)."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Annotated

import typer


class Fmt(str, Enum):
    table = "table"
    json = "json"
    csv = "csv"
    markdown = "markdown"


class Lang(str, Enum):
    zh = "zh"
    en = "en"


Files = Annotated[list[str], typer.Argument()]
PolicyOpt = Annotated[str, typer.Option("--policy")]
AsOf = Annotated[str | None, typer.Option("--as-of")]
SheetOpt = Annotated[list[str] | None, typer.Option("--sheet")]
MapOpt = Annotated[list[str] | None, typer.Option("--map")]
FmtOpt = Annotated[Fmt, typer.Option("--format", "-f", case_sensitive=False)]  # JSON, EN: as typed on Windows
LangOpt = Annotated[Lang | None, typer.Option("--lang", case_sensitive=False)]
Output = Annotated[Path | None, typer.Option("--output", "-o")]
Overwrite = Annotated[bool, typer.Option("--overwrite")]
Quiet = Annotated[bool, typer.Option("--quiet", "-q")]
Debug = Annotated[bool, typer.Option("--debug")]
Redact = Annotated[bool, typer.Option("--redact")]
SkipBad = Annotated[bool, typer.Option("--skip-bad")]
TableOpt = Annotated[str | None, typer.Option("--table")]
Budgeted = Annotated[str | None, typer.Option("--budgeted")]
ToSchool = Annotated[str | None, typer.Option("--to-school")]
PublicFunds = Annotated[list[str] | None, typer.Option("--public-funds")]
HiredSince = Annotated[str | None, typer.Option("--hired-since")]
Cycle = Annotated[str | None, typer.Option("--cycle")]
Roster = Annotated[list[str] | None, typer.Option("--roster")]


def examples(*lines: str) -> str:
    """The epilog of a command's --help: example command lines, kept as written under the
    language's "Examples:" heading."""
    return "\n".join(lines)
