"""`ttcalc staffing`: title, credential and staffing ratios, five-year renewal and new-hire
screening from a roster, each failing ratio with the smallest change in people that meets it.

Definitions are those of shared/domain.md §6 and are stated in every report (DEFINITIONS).
Every bound comes from the policy profile; ratios are compared as exact Fractions.
Nothing here prints.

    people    the roster read into persons: levels, dates, ages, in post or not
    figures   the figures and their definitions
    checks    the ratio checks and the graduate headcount
    remedies  the smallest change in people that meets a failing ratio
    hires     new-hire screening (hire.eligibility)
    command   compute_report(): the roster's data set to a Report
"""

from ttcalc.core.command import Command, callable_module
from ttcalc.staffing.command import compute_report, prepare
from ttcalc.staffing.people import TEACHER, Person, whole_years

__all__ = ["COMMAND", "TEACHER", "Person", "whole_years"]

COMMAND = Command(name="staffing", kind="roster", default_policy="quangang-2022",
                  check_ids=("staff.fulltime_share", "title.mid_senior_share", "title.senior_share",
                             "staff.parttime_ratio", "staff.renewal_5y", "hire.eligibility", "staff.graduate_count",
                             "staff.subject_coverage"),
                  compute=compute_report, workbook="staffing", prepare=prepare)
callable_module(__name__, "staffing")  # ttcalc.staffing(files, …) is ttcalc.api.staffing
