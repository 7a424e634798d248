"""`--budgeted` and `--to-school`: amounts ("185185.19", "3万"), or a small budget sheet that
holds the fund (and the training school's part) beside their labels."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from ttcalc.cells.money import parse_amount, parse_decimal, to_fen
from ttcalc.core.errors import InputError
from ttcalc.core.msg import msg


def budget_inputs(budgeted: str | None, to_school: str | None) -> tuple[int | None, int | None]:
    """--budgeted is an amount, or a small budget sheet holding the fund (and the training
    school's part) beside their labels; --to-school, when given, wins over the sheet, and is
    never more than the fund."""
    if budgeted is not None and Path(budgeted).suffix and Path(budgeted).exists():
        sheet_budgeted, sheet_to_school = _budget_sheet(Path(budgeted))
        pair = sheet_budgeted, _amount("--to-school", to_school) if to_school is not None else sheet_to_school
    elif budgeted is not None and Path(budgeted).suffix.lower() in SHEET_SUFFIXES:
        raise InputError(msg("read.file.no_such_file", file=budgeted))  # a budget sheet's name, not an amount
    else:
        pair = _amount("--budgeted", budgeted), _amount("--to-school", to_school)
    if pair[0] is not None and pair[1] is not None and pair[1] > pair[0]:
        raise InputError(msg("budget.hostile.to_school_over", to_school=fen_text(pair[1]), budgeted=fen_text(pair[0])))
    return pair


SHEET_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods", ".csv", ".et")


def fen_text(fen: int) -> str:
    return f"{fen // 100}.{fen % 100:02d}"


def _budget_sheet(path: Path) -> tuple[int, int | None]:
    from ttcalc.cells.text import squash
    from ttcalc.read.fields import data as field_data
    from ttcalc.read.files import sheets as grid_sheets

    words = field_data()["budget_sheet"]
    found: dict[str, int] = {}
    for grid in grid_sheets(path):
        for row in grid.table.slice(0, 200).to_pylist():
            cells = [v for v in row.values() if v is not None]
            for i, cell in enumerate(cells):
                label = squash(cell).lower()
                kind = next((k for k in ("to_school", "budgeted") if any(w.lower() in label for w in words[k])), None)
                if kind is None or kind in found:
                    continue
                for value in cells[i + 1:]:
                    try:
                        amount = parse_decimal(value)
                    except ValueError:
                        continue
                    if amount is not None:
                        found[kind] = to_fen(amount * (10000 if "万元" in label else 1))
                        break
                break
    if "budgeted" not in found:
        raise InputError(msg("budget.error.no_budget_amount", file=str(path)))
    return found["budgeted"], found.get("to_school")


def _amount(option: str, text: str | None) -> int | None:
    if text is None:
        return None
    try:  # "185185.19", "30,000", "3万", "3.5万元" — as on the command line
        value = parse_amount(str(text))
    except ValueError:
        value = None
    if value is None or value < 0:
        raise InputError(msg("budget.error.amount", option=option, value=text))
    if value != value.quantize(Decimal("0.01")):  # 30,000.005 is a typo, not an amount to round
        raise InputError(msg("budget.hostile.sub_fen", option=option, value=text))
    return to_fen(value)

