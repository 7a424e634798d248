"""School-level training spend from public funds (公用经费): hebei-2013 五（三）, shanxi-2023
四（二）, wenzhou-2012 五、20.  Needs a per-unit sheet of public-funds budgets
(`ttcalc budget --public-funds FILE`); with a training-spend column each unit is checked."""

from __future__ import annotations

import numpy as np
import pyarrow.compute as pc

from ttcalc.budget.checks import money_meets, smallest_pass
from ttcalc.cells.money import column_fen, fen_str
from ttcalc.core.msg import Fen, msg
from ttcalc.policy.rules import FAIL, PASS, from_rule, not_applicable
from ttcalc.read import reader
from ttcalc.read.summary import refuse_bad


def _derive(fen: int, rate) -> int:
    from ttcalc.cells.money import derive

    return derive(fen, rate)


def check_public_funds(files: list[str], rule, lang: str, report) -> list:
    from ttcalc.read.summary import inputs_block

    dataset = reader.read(files, "public_funds")
    report.inputs += inputs_block(dataset)
    units: dict[str, list] = {}
    has_spent = False
    for s in dataset.used:
        used = pc.is_null(s.data["_skip"]).to_numpy(zero_copy_only=False)
        budget, _, bad, _ = column_fen(s.data["budget"], s.scale("budget"))
        refuse_bad(s, used, bad, "budget")
        spent = None
        if s.column("spent"):
            has_spent = True
            spent, present, bad, _ = column_fen(s.data["spent"], s.scale("spent"))
            refuse_bad(s, used, bad, "spent")
        names = s.data["unit"].to_pylist()
        for i in np.flatnonzero(used):
            entry = units.setdefault(names[i].strip(), [0, 0])
            entry[0] += int(budget[i])
            entry[1] += int(spent[i]) if spent is not None else 0
    rows, short = [], []
    for unit in sorted(units):
        budget_fen, spent_fen = units[unit]
        required = _derive(budget_fen, rule.value)
        item = {"unit": unit, "public_funds": fen_str(budget_fen), "training_spend_required": fen_str(required)}
        if has_spent:
            item["training_spend"] = fen_str(spent_fen)
            # whole fen against the requirement shown (spec §7), so spending it exactly passes
            ok = money_meets(spent_fen, required, rule.op)
            item["status"] = PASS if ok else FAIL
            if not ok:
                short.append((unit, smallest_pass(spent_fen, required, rule.op) - spent_fen))
        rows.append(item)
    report.extra["public_funds"] = rows
    if not has_spent:
        return [not_applicable("fund.public_funds", msg("budget.reason.no_spend_column"), rule, lang)]
    check = from_rule("fund.public_funds", rule, lang)
    check.status = FAIL if short else PASS
    check.actual = msg("budget.actual.units_passing", passing=len(units) - len(short), n=len(units))
    check.required = msg("budget.required.per_unit", share=rule.bound_text(lang))
    check.formula = msg("output.formula.public_funds")
    check.inputs = {"units": len(units)}
    check.details = [{"unit": u, "shortfall": fen_str(gap)} for u, gap in short]
    if short:
        total = sum(g for _, g in short)
        check.remedy = msg("budget.remedy.public_funds_short", n=len(short), total=Fen(total))
    return [check]
