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
    command   run(): the command from files to Report (and annotated workbook)
"""

from ttcalc.hours.command import run
from ttcalc.hours.courses import classify, type_label
from ttcalc.hours.ledger import hstr

__all__ = ["classify", "hstr", "run", "type_label"]
