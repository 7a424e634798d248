"""Exceptions that carry an exit code (spec §5). Nothing here prints or words anything.

An error's message is a `Msg` (code + parameters) or, for the few not yet in the catalogs,
a plain string; the CLI words it in the language of the run (`ttcalc.output.i18n.word`).
`str(exc)` stays usable everywhere (logs, tests, the Python API): it words the message in
English when the output layer has registered its wording function, else shows the code."""

from ttcalc.core.msg import Msg

# set by ttcalc.output.i18n when it is imported: (Msg, lang) -> str.  A hook rather than an
# import, so that the core layer never imports the output layer.
WORDER = None


class TtcalcError(Exception):
    exit_code = 3

    def __init__(self, message="", *args) -> None:
        super().__init__(message, *args)
        self.message = message

    def words(self, lang: str = "en") -> str:
        """The message in words, in `lang` (zh or en)."""
        m = self.message
        if isinstance(m, Msg):
            if WORDER is None:  # the output layer registers itself on import
                import importlib

                importlib.import_module("ttcalc.output.i18n")
            return WORDER(m, lang) if WORDER is not None else str(m)
        return str(m)

    def where(self) -> dict:
        """Where the problem is, as data: the file, sheet, row and column the message names
        (its parameters), for the Python API and logs; the one-line words name them too."""
        params = self.message.params if isinstance(self.message, Msg) else {}
        return {k: params[k] for k in ("file", "sheet", "row", "column") if params.get(k) is not None}

    def __str__(self) -> str:
        if isinstance(self.message, Msg):
            return self.words("en")
        return super().__str__()


class InputError(TtcalcError):
    """Bad input or command line: exit code 2, one line message (a Msg, or text)."""

    exit_code = 2
