"""The institutions annotated workbook: every institution as read (rating, rank, dates, merger
verdict), a per-city summary whose counts, shares and "still needed" are live COUNTIFS
formulas over that sheet (with ttcalc's exact values stored), a chart of the shares per city
against the targets, then the checks and the definitions."""

from __future__ import annotations

import math
from datetime import datetime
from fractions import Fraction
from pathlib import Path

from ttcalc.output.workbook.common import checks_sheet, header_row, notes_sheet, one, open_workbook, sheet, text
from ttcalc.output.workbook.duties import worded

LIST, CITIES = "机构 Institutions", "设区市 Cities"
RANK = {"national": 3, "provincial": 2, "standard": 1, "failing": 0, None: -1}
COLS = [("file", 16), ("sheet", 12), ("row", 6), ("机构 institution", 28), ("设区市 city", 12), ("等级 rating", 12),
        ("等级序 rank", 8), ("认定 rated", 11), ("整合 merged", 8), ("整合日期 merged on", 11), ("整合检查 merger", 10)]


def _target(profile, rid) -> Fraction | None:
    rule = profile.get(rid)
    return Fraction(str(rule.value)) if rule is not None else None


def _status(code, lang: str, table: str = "output.status.") -> str:
    """A status or rating code worded ([output.status], [output.figure]); blank where none."""
    from ttcalc.output.i18n import catalog

    return "" if not code else catalog(lang if lang in ("zh", "en") else "zh").get(table + code, code)


def write(target: Path, report, items, profile, options) -> None:
    with open_workbook(target, options.overwrite) as (wb, fmt):
        fmt["date"] = wb.add_format({"num_format": "yyyy-mm-dd"})
        lang = options.lang
        names = {k: sheet(k, lang) for k in (LIST, CITIES)}
        summary = wb.add_worksheet(names[CITIES])
        ws = wb.add_worksheet(names[LIST])
        header_row(ws, 0, [one(h, lang) for h, _w in COLS], fmt, [w for _h, w in COLS])
        for r, i in enumerate(items, start=1):
            text(ws, r, 0, i.file)
            text(ws, r, 1, i.sheet)
            ws.write_number(r, 2, i.row)
            text(ws, r, 3, i.name)
            text(ws, r, 4, i.city)
            text(ws, r, 5, _status(i.rating, lang, "output.figure."))
            ws.write_number(r, 6, RANK[i.rating])
            for c, d in ((7, i.rated), (9, i.merged_on)):
                if d is not None:
                    ws.write_datetime(r, c, datetime(d.year, d.month, d.day), fmt["date"])
            text(ws, r, 8, "" if i.merged is None else one("yes" if i.merged else "no", lang))
            text(ws, r, 10, _status(i.status, lang), fmt["fail"] if i.status == "fail" else None)
        _summary(wb, summary, fmt, report, profile, len(items), lang, names)
        shown = worded(report, options.lang)
        checks_sheet(wb, fmt, shown, options.lang)
        notes_sheet(wb, fmt, shown, lang=options.lang)


def _summary(wb, ws, fmt, report, profile, n: int, lang: str, names: dict) -> None:
    nat, prov = (_target(profile, "institution.national_demo_share_min"),
                 _target(profile, "institution.provincial_demo_share_min"))
    heads = [("设区市 city", 14), ("机构数 institutions", 10), ("国家级示范 national", 10),
             ("省级示范及以上 provincial+", 12), ("标准化 standard", 10), ("不达标 failing", 10),
             ("国家级比例 national share", 12), ("省级比例 provincial share", 12),
             ("还需国家级 national needed", 12), ("还需省级 provincial needed", 12)]
    header_row(ws, 0, [one(h, lang) for h, _w in heads], fmt, [w for _h, w in heads])
    last = max(n, 1) + 1
    col = lambda c: f"'{names[LIST]}'!${c}$2:${c}${last}"  # noqa: E731
    rows = list(report.by_unit or []) + [{"city": None, **report.figures}]
    for r, u in enumerate(rows, start=1):
        city = f"$A{r + 1}"
        where = f"{col('E')},{city}," if u["city"] is not None else ""
        if u["city"] is None:
            ws.write_string(r, 0, one("合计 all", lang), fmt["head"])
        else:
            text(ws, r, 0, u["city"])
        count = f"COUNTIFS({where}{col('G')},\">=-1\")"
        ws.write_formula(r, 1, f"={count}", None, u["institutions"])
        ws.write_formula(r, 2, f"=COUNTIFS({where}{col('G')},3)", None, u["national"])
        ws.write_formula(r, 3, f"=COUNTIFS({where}{col('G')},\">=2\")", None, u["provincial_or_better"])
        ws.write_formula(r, 4, f"=COUNTIFS({where}{col('G')},1)", None, u["standard"])
        ws.write_formula(r, 5, f"=COUNTIFS({where}{col('G')},0)", None, u["failing"],)
        total = u["institutions"]
        for c, level, key in ((6, "C", "national"), (7, "D", "provincial_or_better")):
            share = float(Fraction(u[key], total)) if total else 0
            ws.write_formula(r, c, f"=IF(B{r + 1}=0,0,{level}{r + 1}/B{r + 1})", fmt["pct"], share)
        for c, level, key, t in ((8, "C", "national", nat), (9, "D", "provincial_or_better", prov)):
            if t is None:
                continue
            need = max(0, math.ceil(t * total) - u[key])
            ws.write_formula(r, c, f"=MAX(0,-INT(-ROUND({t.numerator}/{t.denominator}*B{r + 1},9))-{level}{r + 1})",
                             None, need)
    if report.by_unit:
        chart = wb.add_chart({"type": "column"})
        k = len(report.by_unit)
        for c, name in ((6, "国家级比例 national share"), (7, "省级比例 provincial share")):
            chart.add_series({"name": one(name, lang), "categories": [names[CITIES], 1, 0, k, 0],
                              "values": [names[CITIES], 1, c, k, c]})
        chart.set_title({"name": one("示范性机构比例 Demonstration shares", lang)})
        chart.set_y_axis({"min": 0, "max": 1, "num_format": "0%"})
        ws.insert_chart(len(rows) + 2, 0, chart)
