"""`ttcalc duties`: the training school's own people against the rules about their work in
schools — days a semester in schools, 听课 periods a school year, a semester in a school every
three years, leaders' working days and research activities a year, two idle years, a
demonstration lesson each semester.

The activity log is read as `activities` rows (read/fields.toml); the activity types are data
(activity_types.toml); semesters and school years are the profile's (duty.* rules: ttcalc's
stated choice).  Nothing here prints.

    log       the log's rows: dates and ranges, types, days and class periods
    periods   semesters, school years, calendar years, working days (--calendar)
    people    rows grouped by person; roles from the log or --roster
    checks    the checks against the profile's rules
    command   compute_report(): the log's data set (and --roster) to a Report
"""

from ttcalc.core.command import Command, callable_module
from ttcalc.duties.checks import CHECK_IDS
from ttcalc.duties.command import compute_report, extra_inputs, prepare

__all__ = ["COMMAND"]

COMMAND = Command(name="duties", kind="activities", default_policy="quangang-2022", check_ids=CHECK_IDS,
                  compute=compute_report, workbook="duties", prepare=prepare, extra_inputs=extra_inputs)
callable_module(__name__, "duties")  # ttcalc.duties(files, …) is ttcalc.api.duties
