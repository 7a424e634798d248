"""`ttcalc institutions`: county-level teacher-training institutions against hebei-2013 五（一）
(shares at national and provincial demonstration standard), 五（四） (merger by the end of 2015)
and 冀教师〔2013〕37号 (institutions rated 不达标), per city and overall.  Ratings are data
(ratings.toml).  Nothing here prints."""

from ttcalc.core.command import Command, callable_module
from ttcalc.institutions.command import CHECK_IDS, compute_report

__all__ = ["COMMAND"]

COMMAND = Command(name="institutions", kind="institutions", default_policy="hebei-2013", check_ids=CHECK_IDS,
                  compute=compute_report, workbook="institutions")
callable_module(__name__, "institutions")  # ttcalc.institutions(files, …) is ttcalc.api.institutions
