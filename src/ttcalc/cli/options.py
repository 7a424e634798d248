"""The options every command shares (as Typer annotations) and the formats and languages."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer

class Fmt(str, Enum):
    table = "table"
    json = "json"
    csv = "csv"
    markdown = "markdown"


class Lang(str, Enum):
    zh = "zh"
    en = "en"


Files = Annotated[list[str], typer.Argument(help="Workbooks (.xlsx .xlsm .xls .ods .csv) or folders of them.")]
PolicyOpt = Annotated[str, typer.Option("--policy", help="Built-in profile id or a .toml file.")]
AsOf = Annotated[Optional[str], typer.Option("--as-of", help="Date the figures are for (YYYY-MM-DD); default today.")]
SheetOpt = Annotated[Optional[list[str]], typer.Option("--sheet", help="Read only this sheet (repeatable).")]
MapOpt = Annotated[Optional[list[str]], typer.Option("--map", help="FIELD=HEADER: use this column for a field.")]
FmtOpt = Annotated[Fmt, typer.Option("--format", "-f", help="Output format.")]
LangOpt = Annotated[Optional[Lang], typer.Option("--lang", help="Labels: zh or en (default from the locale).")]
Output = Annotated[Optional[Path], typer.Option("--output", "-o", help="Write an annotated workbook (.xlsx).")]
Overwrite = Annotated[bool, typer.Option("--overwrite", help="Replace an existing output file.")]
Quiet = Annotated[bool, typer.Option("--quiet", "-q", help="No progress and no log line on stderr.")]
Debug = Annotated[bool, typer.Option("--debug", help="Show a traceback on internal errors.")]
Redact = Annotated[bool, typer.Option("--redact", help="Mask names and ID numbers in every output.")]
SkipBad = Annotated[bool, typer.Option("--skip-bad", help="List a file that cannot be read as skipped instead of stopping.")]
TableOpt = Annotated[Optional[str], typer.Option("--table", help="With --format csv: which table (checks, figures, by_unit, by_person, inputs, warnings or a command's own); default checks.")]


def examples(*lines: str) -> str:
    """The epilog of a command's --help: two or three examples, kept as written."""
    return "\b\nExamples:\n" + "\n".join(f"  {line}" for line in lines)


