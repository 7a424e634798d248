"""`ttcalc staffing`: read the roster, compute the figures, judge the checks, and write the
annotated workbook when asked.  Nothing here prints."""

from __future__ import annotations

from ttcalc.cells import titles as T
from ttcalc.core.errors import InputError
from ttcalc.core.msg import msg
from ttcalc.core.warn import Warnings
from ttcalc.core.report import Report
from ttcalc.policy.rules import FAIL
from ttcalc.read.summary import inputs_block
from ttcalc.staffing.checks import graduate_check, ratio_checks
from ttcalc.staffing.figures import DEFINITIONS, compute
from ttcalc.staffing.hires import hire_check
from ttcalc.staffing.people import TEACHER, Roster, read_roster
from ttcalc.staffing.subjects import subject_check


def _flag_blockers(roster: Roster, checks: list) -> None:
    failed = {c.id: c for c in checks if c.status == FAIL}
    lines = (("title.senior_share", "副高"), ("title.mid_senior_share", "中级"))
    for check_id, level in lines:
        if check_id in failed:
            c = failed[check_id]
            for p in roster.persons:
                if p.ft_teacher and T.level_rank(p.level) < T.level_rank(level):
                    p.flags.append((msg("staffing.flag.title_below", level=level), c.rule, c.citation))
    if "staff.fulltime_share" in failed:
        c = failed["staff.fulltime_share"]
        for p in roster.persons:
            if not p.parttime and p.in_post and p.category != TEACHER:
                p.flags.append((msg("staffing.flag.not_teacher"), c.rule, c.citation))


def _tables(report: Report) -> dict:
    """Tables for the table and Markdown formats, keyed by a stable id: {"title", "headers", "rows"}."""
    f = report.figures
    out = {"title_levels": {"title": msg("staffing.table.title_levels"), "headers": list(f["title_levels"]),
                            "rows": [list(f["title_levels"].values())]},
           "education_levels": {"title": msg("staffing.table.education_levels"), "headers": list(f["education_levels"]),
                                "rows": [list(f["education_levels"].values())]}}
    hire = next((c for c in report.checks if c.id == "hire.eligibility"), None)
    if hire is not None and hire.details:
        rows = [[d["row"], d["name"] or "", d["join"] or "",
                 msg("staffing.table.hire_status_by", status=msg("staffing.hire.status." + d["status"]),
                     by=d["exempt_by"]) if d["exempt_by"] else msg("staffing.hire.status." + d["status"]),
                 msg("staffing.table.conditions", items=[msg("staffing.table.hire_condition", condition=msg("staffing.hire.condition." + c["condition"]),
                      status=msg("staffing.hire.status." + c["status"]), value=c["value"] or "?",
                      required=c["required"]) for c in d["conditions"]])] for d in hire.details]
        out["hire.eligibility"] = {"title": "hire.eligibility",
                                   # plain headers: the redaction finds the name column by its header
                                   "headers": ["row", "name", "join", "status", "conditions"],
                                   "rows": rows}
    return out


ROSTER_COLUMNS = ("title", "category", "education", "employment", "join", "post_grade")


def _require_roster_columns(dataset) -> None:
    """A payroll or a ledger has names too: without a single roster column (职称, 岗位类别,
    学历, 专职/兼职, 调入时间 …) the figures would be meaningless."""
    for s in dataset.used:
        if any(s.column(c) for c in ROSTER_COLUMNS):
            return
    first = dataset.used[0]
    raise InputError(msg("staffing.error.not_roster", file=str(first.file), sheet=first.sheet, columns=_ROSTER_HEADERS,
                         headers=", ".join(first.header.headers)))


# the roster's own headers, shown as they appear on the sheet in both languages
_ROSTER_HEADERS = msg("staffing.error.roster_columns", a="专业技术职务", b="岗位类别", c="最高学历", d="专职/兼职",
                      e="调入时间")


def prepare(profile, options) -> None:
    hired_since = options.extra.get("hired_since")
    if hired_since is not None and hired_since > options.as_of:
        raise InputError(msg("staffing.error.hired_after", hired=hired_since.isoformat(), as_of=options.as_of.isoformat()))


def compute_report(dataset, profile, options, prepared):
    """The staffing report, and the roster for the annotated workbook."""
    as_of, lang = options.as_of, options.lang  # lang: only for the rule engine's labels and bounds
    hired_since = options.extra.get("hired_since")
    _require_roster_columns(dataset)
    roster = read_roster(dataset, as_of, Warnings())
    calc = compute(roster, as_of)
    report = Report("staffing", as_of)
    report.inputs = inputs_block(dataset)
    report.warnings = [w.as_dict() for w in dataset.warnings] + [w.as_dict() for w in roster.warnings.items()]
    report.definitions = dict(DEFINITIONS)
    report.figures = calc["figures"]
    remedies: dict = {}
    checks = ratio_checks(profile, calc, roster, lang, remedies)
    checks.append(hire_check(profile, roster, hired_since, as_of, lang))
    graduate = graduate_check(profile, calc, lang, remedies)
    if graduate is not None:
        checks.append(graduate)
    subjects = subject_check(profile, roster, lang, remedies)
    if subjects is not None:
        checks.append(subjects)
        report.definitions["subjects"] = msg("staffing.definition.subjects", policy=profile.id,
                                             subjects="、".join(profile.get("staff.subject_coverage").value))
    report.checks = checks
    report.extra["remedies"] = remedies
    _flag_blockers(roster, checks)
    report.tables = _tables(report)
    return report, roster
