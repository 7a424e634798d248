"""Exceptions that carry an exit code (spec §5). Nothing here prints."""


class TtcalcError(Exception):
    exit_code = 3


class InputError(TtcalcError):
    """Bad input or command line: exit code 2, one line message."""

    exit_code = 2
