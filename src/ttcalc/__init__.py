"""ttcalc: teacher-training compliance figures from payroll and roster workbooks.

The command line is `ttcalc`; the same reports are a Python API (see `ttcalc.api`):

    import ttcalc
    report = ttcalc.budget("payroll.xlsx", as_of="2024-12-31")
    print(report.figures["fund_min"]); report.rows()   # rows as read, a pandas DataFrame
"""

__version__ = "0.1.0"

_API = ("budget", "staffing", "hours", "duties", "institutions", "inspect", "check", "InputError")


def __getattr__(name: str):
    """The API functions, imported on first use so that `ttcalc --help` starts fast."""
    if name in ("budget", "staffing", "hours", "duties", "institutions", "inspect", "check"):
        from importlib import import_module

        return import_module(f"ttcalc.{name}")  # a callable module: ttcalc.budget(...) runs the command
    if name == "InputError":
        from ttcalc.core.errors import InputError

        return InputError
    raise AttributeError(f"module 'ttcalc' has no attribute {name!r}")
