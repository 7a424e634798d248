"""`ttcalc hours`: each teacher's training hours (学时) against the cycle rules of a profile.

The ledger is every person row of every hours sheet read: hours exact (Decimal), days and
学分 converted only at the profile's own rates, the year from the year column, else the date,
else a year in the sheet or file name.  Every value compared comes from the profile; the
course-type spellings are data (data/training_types.toml).  Nothing here prints.

    courses   the course types: 培训类型 and course names read into a form and topics
    ledger    the ledger rows, their years and amounts, and the cycle
    people    rows grouped by teacher, roles from the roster, each teacher's totals
    checks    the checks against the profile's rules
    remedies  the remedy lines: who needs what
    output    definitions, by_person, the table of who is short, notes
    command   compute_report(): the ledger's data set (and --roster) to a Report
"""

from ttcalc.core.command import Command, callable_module
from ttcalc.hours.command import compute_report, extra_inputs, prepare
from ttcalc.hours.courses import classify, type_label
from ttcalc.hours.ledger import hstr

__all__ = ["COMMAND", "classify", "hstr", "type_label"]

COMMAND = Command(name="hours", kind="hours", default_policy="wenzhou-2012",
                  check_ids=("hours.cycle_total", "hours.school_based", "hours.concentrated", "hours.annual_min",
                             "hours.annual_school_based", "hours.annual_min_vocational",
                             "hours.school_concentrated_share", "hours.backbone_concentrated", "hours.homeroom",
                             "hours.principal", "hours.new_teacher", "hours.new_teacher_practice",
                             "hours.new_principal", "hours.new_principal_concentrated"),
                  compute=compute_report, workbook="hours", prepare=prepare, extra_inputs=extra_inputs)
callable_module(__name__, "hours")  # ttcalc.hours(files, …) is ttcalc.api.hours
