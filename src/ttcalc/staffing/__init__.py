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
    command   run(): the command from files to Report (and annotated workbook)
"""

from ttcalc.staffing.command import run
from ttcalc.staffing.people import TEACHER, Person, whole_years

__all__ = ["TEACHER", "Person", "run", "whole_years"]
