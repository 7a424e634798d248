"""ttcalc: teacher-training compliance figures from payroll and roster workbooks."""

__version__ = "0.1.0"
