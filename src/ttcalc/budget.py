"""`ttcalc budget`: the training fund a budget must hold, from payroll sheets.

payroll_total is the sum of the gross pay (应发) of every person row read, in integer fen;
every derived money figure is computed from that exact total and rounded once, half-up, to
the fen (spec §7).  The rates and shares come from the policy profile, never from code.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

from . import reader
from .clean import fen_str, parse_decimal, to_fen
from .errors import InputError
from .policy import load_profile
from .report import Report, inputs_block, policy_block
from .safeio import check_output, refuse_existing
from .rules import FAIL, PASS, from_rule, judge, not_applicable, ratio_str

DEFINITIONS = {
    "payroll_total": "sum of the gross pay (应发) of every person row of every sheet and file read; where a sheet "
                     "has no gross column, the sum of its pay components; never net pay (实发), deductions, "
                     "employer contributions, or subtotal/total rows",
    "people": "distinct persons: by 身份证号; a row without one takes the ID its name and unit carry on "
              "another row, else name and unit stand for the person",
    "rounding": "each derived money figure is computed from the exact payroll total and rounded once, "
                "half-up (四舍五入), to the fen",
    "unit": "the 单位/学校 column; where a file has none, the file name (one school per file), unless the "
            "name is a month or date (then 未注明单位)",
}


KEEP = {"unit", "name", "id", "month", "gross", "component"}  # what the fund needs of a payroll row


@dataclass
class Payroll:
    """The payroll base, summed exactly."""
    total_fen: int = 0
    rows: int = 0
    units: dict = field(default_factory=dict)  # unit -> [fen, rows, people]
    people: int = 0
    parts: list = field(default_factory=list)  # per sheet: (unit, fen, person key) of the rows used
    per_sheet: list = field(default_factory=list)  # (SheetRead, numpy fen array, used mask, source label)
    warnings: list = field(default_factory=list)


def _fraction_fen(value: Fraction) -> int:
    """Round a Fraction of fen half-up (away from zero) to integer fen."""
    sign = -1 if value < 0 else 1
    q, r = divmod(abs(value.numerator), value.denominator)
    return sign * (q + (1 if 2 * r >= value.denominator else 0))


def money_of(fen: int) -> str:
    return fen_str(fen)


def derive(total_fen: int, *factors) -> int:
    """total × factors, exactly, rounded once half-up to the fen."""
    value = Fraction(total_fen)
    for f in factors:
        value *= Fraction(Decimal(str(f)))
    return _fraction_fen(value)


def sum_payroll(dataset) -> Payroll:
    import numpy as np
    import pyarrow.compute as pc

    from .money import column_fen, refuse_bad

    pay = Payroll()
    for s in dataset.used:
        data = s.data
        used = pc.is_null(data["_skip"]).to_numpy(zero_copy_only=False)
        gross_col = s.column("gross")
        comp_cols = s.columns_of("component")
        fen = np.zeros(data.num_rows, dtype=np.int64)
        have = np.zeros(data.num_rows, dtype=bool)
        if gross_col:
            fen, have, bad, subfen = column_fen(data[gross_col], s.scale(gross_col))
            refuse_bad(s, used, bad, gross_col)
            _subfen(pay, s, data, used, subfen, gross_col)
        missing = used & ~have
        if comp_cols and missing.any():
            comp_total = np.zeros(data.num_rows, dtype=np.int64)
            for col in comp_cols:
                cf, _present, bad, subfen = column_fen(data[col], s.scale(col))
                refuse_bad(s, missing, bad, col)
                _subfen(pay, s, data, missing, subfen, col)
                comp_total += cf
            fen = np.where(missing, comp_total, fen)
            if gross_col:
                rows = data["_row"].to_numpy()[missing]
                for r in rows[:50]:
                    pay.warnings.append({"code": "gross_empty", "file": str(s.file), "sheet": s.sheet, "row": int(r),
                                         "message": "应发 (gross) is empty: the sum of the pay components is used"})
        elif missing.any():
            rows = data["_row"].to_numpy()[missing]
            raise InputError(f"{s.file} [{s.sheet}] row {int(rows[0])}, column {s.header_of(gross_col)}: "
                             "gross pay (应发) is empty for a person row; fill it in or skip the row")
        fen = np.where(used, fen, 0)
        pay.per_sheet.append((s, fen, used))
        pay.total_fen += int(fen.sum())
        pay.rows += int(used.sum())
        _by_unit(pay, s, data, fen, used)
    _tally(pay)
    return pay


def _subfen(pay, s, data, mask, subfen, col) -> None:
    rows = data["_row"].to_numpy()
    for i in subfen[:50]:
        if mask[i]:
            pay.warnings.append({"code": "sub_fen", "file": str(s.file), "sheet": s.sheet, "row": int(rows[i]),
                                 "message": f"amount in {s.header_of(col)} is finer than a fen: rounded half-up to the fen"})


def _by_unit(pay: Payroll, s, data, fen, used) -> None:
    import pyarrow as pa
    import pyarrow.compute as pc

    n = data.num_rows
    if s.column("unit"):
        units = pc.fill_null(pc.utf8_trim_whitespace(data["unit"]), unit_of_file(s.file))
    else:
        units = pa.array([unit_of_file(s.file)] * n, pa.string())
    names = data["name"] if s.column("name") else pa.nulls(n, pa.string())
    ids = data["id"] if s.column("id") else pa.nulls(n, pa.string())
    pay.parts.append(pa.table([units, pa.array(fen), ids, names], names=["unit", "fen", "id", "name"])
                     .filter(pa.array(used)))


def unit_of_file(path) -> str:
    """The unit of a sheet without a 单位 column: the file's name (one school per file) —
    unless the name is a month or a date ("2024-01.xlsx"), which names no school."""
    import re

    stem = Path(path).stem
    return "（未注明单位）" if re.fullmatch(r"[\d\s._\-年月日份]*", stem) or re.search(r"\d{1,2}月", stem) else stem


def _tally(pay: Payroll) -> None:
    """Per unit and overall, over every sheet and file at once: a person paid in twelve
    monthly sheets, or by two schools, is one person."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if not pay.parts:
        return
    table = pa.concat_tables(pay.parts)
    pay.parts = []
    # a person is their ID; a row without one (blank on one sheet) takes the ID its name and
    # unit carry elsewhere, else name and unit stand for the person
    ids = table["id"]
    if ids.null_count:  # only then is a name and unit needed to stand for a person
        table = table.append_column("who", pc.binary_join_element_wise(pc.fill_null(table["name"], ""),
                                                                        table["unit"], "|"))
        if ids.null_count < len(ids):
            known = table.filter(pc.is_valid(ids)).select(["who", "id"]).group_by("who").aggregate([("id", "min")])
            table = table.join(known, keys="who", join_type="left outer")
            ids = pc.coalesce(table["id"], table["id_min"])
        ids = pc.coalesce(ids, table["who"])
    table = table.select(["unit", "fen"]).append_column("key", ids)
    pay.people = len(pc.unique(table["key"].combine_chunks()))
    grouped = table.group_by("unit").aggregate([("fen", "sum"), ("fen", "count"), ("key", "count_distinct")])
    for unit, total, count, people in zip(grouped["unit"].to_pylist(), grouped["fen_sum"].to_pylist(),
                                          grouped["fen_count"].to_pylist(), grouped["key_count_distinct"].to_pylist()):
        pay.units[unit] = [int(total), int(count), int(people)]


def run(files: list[str], policy: str = "quangang-2022", as_of: date | None = None, sheets=None, maps=None,
        budgeted: str | None = None, to_school: str | None = None, public_funds=None, output: Path | None = None,
        overwrite: bool = False, lang: str = "en", progress=None, redact: bool = False) -> Report:
    as_of = as_of or date.today()
    profile = load_profile(policy)
    budgeted_fen, to_school_fen = _budget_inputs(budgeted, to_school)
    check_output(output, files)
    refuse_existing(output, overwrite)
    dataset = reader.read(files, "payroll", maps, sheets, progress, keep=KEEP)
    pay = sum_payroll(dataset)
    report = Report("budget", as_of)
    report.policy, pol_warnings = policy_block(profile, as_of)
    report.inputs = inputs_block(dataset)
    report.warnings = pol_warnings + [w.as_dict() for w in dataset.warnings] + pay.warnings
    report.definitions = dict(DEFINITIONS)
    figures = compute(profile, pay, budgeted_fen, to_school_fen)
    report.figures = figures["figures"]
    report.by_unit = figures["by_unit"]
    report.checks = checks(profile, figures, budgeted_fen, to_school_fen, lang)
    report.checks += public_funds_checks(profile, public_funds, lang, report)
    if output is not None:
        from .workbook import budget as budget_book

        budget_book.write(Path(output), report, pay, profile, lang, overwrite, redact)
    return report


def _budget_inputs(budgeted: str | None, to_school: str | None) -> tuple[int | None, int | None]:
    """--budgeted is an amount, or a small budget sheet holding the fund (and the training
    school's part) beside their labels; --to-school, when given, wins over the sheet."""
    if budgeted is not None and Path(budgeted).suffix and Path(budgeted).exists():
        sheet_budgeted, sheet_to_school = _budget_sheet(Path(budgeted))
        return sheet_budgeted, _amount("--to-school", to_school) if to_school is not None else sheet_to_school
    return _amount("--budgeted", budgeted), _amount("--to-school", to_school)


def _budget_sheet(path: Path) -> tuple[int, int | None]:
    from .clean import squash
    from .fields import data as field_data
    from .grid import sheets as grid_sheets

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
        raise InputError(f"{path}: no training-fund amount found: expected a row such as "
                         "'教师培训专项经费 | 185185.19' (and optionally '拨付进修学校 | 111111.11')")
    return found["budgeted"], found.get("to_school")


def _amount(option: str, text: str | None) -> int | None:
    if text is None:
        return None
    try:
        value = parse_decimal(text)
    except ValueError:
        value = None
    if value is None or value < 0:
        raise InputError(f"{option} {text}: expected an amount in yuan, e.g. 185185.19")
    return to_fen(value)


def _rule_value(profile, rule_id):
    rule = profile.get(rule_id)
    return (rule, Decimal(str(rule.value))) if rule is not None else (None, None)


def _ratio(value: Decimal | None) -> str | None:
    return ratio_str(Fraction(value)) if value is not None else None


def compute(profile, pay: Payroll, budgeted_fen: int | None, to_school_fen: int | None) -> dict:
    _, rate_min = _rule_value(profile, "fund.rate_min")
    _, rate_max = _rule_value(profile, "fund.rate_max")
    _, share_min = _rule_value(profile, "fund.school_share_min")
    _, passdown = _rule_value(profile, "fund.passdown_share")
    total = pay.total_fen
    people = pay.people
    f: dict = {"payroll_total": money_of(total), "payroll_rows": pay.rows, "people": people, "units": len(pay.units),
               "fund_rate_min": _ratio(rate_min), "fund_rate_max": _ratio(rate_max),
               "fund_min": money_of(derive(total, rate_min)) if rate_min is not None else None,
               "fund_max": money_of(derive(total, rate_max)) if rate_max is not None else None,
               "school_share_min": _ratio(share_min),
               "school_allocation_min": money_of(derive(total, rate_min, share_min))
               if rate_min is not None and share_min is not None else None}
    if budgeted_fen is not None:
        f["budgeted"] = money_of(budgeted_fen)
        f["school_allocation_required"] = money_of(derive(budgeted_fen, share_min)) if share_min is not None else None
    if to_school_fen is not None:
        f["to_school"] = money_of(to_school_fen)
    per_teacher_fen = None
    if passdown is not None and rate_min is not None:
        f["passdown_share"] = _ratio(passdown)
        f["passdown_total"] = money_of(derive(total, rate_min, passdown))
        per_teacher_fen = _fraction_fen(Fraction(total) * Fraction(rate_min) * Fraction(passdown) / people) \
            if people else None
        f["passdown_per_teacher"] = money_of(per_teacher_fen) if per_teacher_fen is not None else None
    by_unit = []
    for unit in sorted(pay.units):
        fen, rows, unit_people = pay.units[unit]
        item = {"unit": unit, "payroll_total": money_of(fen), "payroll_rows": rows, "people": unit_people}
        if rate_min is not None:
            item["fund_min"] = money_of(derive(fen, rate_min))
            item["share_of_payroll"] = ratio_str(Fraction(fen, total)) if total else None
        if per_teacher_fen is not None:
            # the unit's teachers × the per-teacher standard, computed exactly and rounded once
            item["passdown"] = money_of(_fraction_fen(Fraction(total) * Fraction(rate_min) * Fraction(passdown)
                                                      * unit_people / people))
        by_unit.append(item)
    return {"figures": f, "by_unit": by_unit}


def checks(profile, figures: dict, budgeted_fen, to_school_fen, lang: str) -> list:
    f = figures["figures"]
    out = []
    rate_min = profile.get("fund.rate_min")
    rate_max = profile.get("fund.rate_max")
    total_fen = to_fen(Decimal(f["payroll_total"]))
    if rate_min is None:
        out.append(not_applicable("fund.rate", "the profile sets no payroll-based fund rate", lang=lang))
    elif budgeted_fen is None:
        out.append(not_applicable("fund.rate", "no --budgeted amount given: the required fund is in the figures "
                                  f"(fund_min {f['fund_min']})", rate_min, lang))
    elif total_fen == 0:
        out.append(not_applicable("fund.rate", "the payroll total is zero", rate_min, lang))
    else:
        out.append(_rate_check(f, rate_min, rate_max, budgeted_fen, total_fen, lang))
    share = profile.get("fund.school_share_min")
    if share is None:
        out.append(not_applicable("fund.school_share", "the profile sets no share for the training school", lang=lang))
    elif to_school_fen is None or budgeted_fen is None:
        out.append(not_applicable("fund.school_share", "give --budgeted and --to-school to check the training "
                                  f"school's share (it must get at least {f['school_allocation_min']} of fund_min)",
                                  share, lang))
    elif budgeted_fen == 0:
        out.append(not_applicable("fund.school_share", "the budgeted fund is zero", share, lang))
    else:
        check = judge(from_rule("fund.school_share", share, lang), Fraction(to_school_fen, budgeted_fen), share)
        check.formula = "to_school ÷ budgeted"
        check.inputs = {"to_school": f["to_school"], "budgeted": f["budgeted"]}
        if check.status == FAIL:
            gap = to_fen(Decimal(f["school_allocation_required"])) - to_school_fen
            check.remedy = (f"拨付缺口 ¥{gap / 100:,.2f}：拨付进修学校应不少于 ¥{Decimal(f['school_allocation_required']):,.2f}"
                            if lang == "zh" else f"allocation shortfall ¥{gap / 100:,.2f}: the training school must "
                            f"get at least ¥{Decimal(f['school_allocation_required']):,.2f}")
        out.append(check)
    return out


def _rate_check(f: dict, rate_min, rate_max, budgeted_fen: int, total_fen: int, lang: str):
    """The budget against fund_min (and fund_max): compared in fen with the figures as rounded
    and shown, so budgeting exactly fund_min or fund_max passes."""
    check = from_rule("fund.rate", rate_min, lang)
    check.actual = ratio_str(Fraction(budgeted_fen, total_fen))
    check.formula = "budgeted ≥ fund_min" + (" and ≤ fund_max" if rate_max else "") + \
        " (fund_min = payroll_total × fund_rate_min, rounded once to the fen); actual = budgeted ÷ payroll_total"
    check.inputs = {"budgeted": f["budgeted"], "payroll_total": f["payroll_total"], "fund_min": f["fund_min"]}
    low = to_fen(Decimal(f["fund_min"]))
    check.status = PASS
    if rate_max is not None:
        check.required = f"{rate_min.bound_text(lang)} and {rate_max.bound_text(lang)}"
        check.inputs["fund_max"] = f["fund_max"]
    if budgeted_fen < low:
        check.status = FAIL
        gap = low - budgeted_fen
        check.remedy = (f"预算缺口 ¥{gap / 100:,.2f}：培训经费应不少于 ¥{low / 100:,.2f}" if lang == "zh"
                        else f"budget shortfall ¥{gap / 100:,.2f}: the fund must be at least ¥{low / 100:,.2f}")
    elif rate_max is not None and budgeted_fen > to_fen(Decimal(f["fund_max"])):
        high = to_fen(Decimal(f["fund_max"]))
        check.status = FAIL
        check.citation = rate_max.citation()
        check.remedy = (f"超出比例上限 ¥{(budgeted_fen - high) / 100:,.2f}（上限 ¥{high / 100:,.2f}）" if lang == "zh"
                        else f"¥{(budgeted_fen - high) / 100:,.2f} above the upper bound of ¥{high / 100:,.2f}")
    return check


def public_funds_checks(profile, public_funds, lang: str, report: Report) -> list:
    rule = profile.get("fund.public_funds_share_min")
    if rule is None:
        return []
    if not public_funds:
        return [not_applicable("fund.public_funds", "no per-unit public-funds (公用经费) sheet given "
                               "(--public-funds FILE)", rule, lang)]
    from .public_funds import check_public_funds

    return check_public_funds(public_funds, rule, lang, report)
