"""The command line's own words, in the language of the run (spec §4, one language mechanism).

The language of `--help`, usage errors and the log line is `--lang` from the command line,
read before Typer parses it (so that `ttcalc budget --lang en --help` is English), else the
locale's (LC_ALL, LC_MESSAGES, LANG; on Windows the user's locale), else zh.  The root
command sets it for the run (`LANG`); everything else asks `current()`.

Texts come from the catalogs (`ttcalc/output/messages/*.toml`, tables `[cli.*]`), loaded
only when something is worded.  In the --help tables "{x}" stands for the literal id x.
"""

from __future__ import annotations

import os
from contextvars import ContextVar

LANGS = ("zh", "en")
LANG: ContextVar[str | None] = ContextVar("ttcalc_cli_lang", default=None)


def locale_lang() -> str:
    """The locale's language: zh or en; zh when there is no locale (or C/POSIX).  Windows has
    no LANG: its user locale instead (not on POSIX, where Python reports C.UTF-8, which it
    sets itself when there is no locale, as en_US)."""
    loc = os.environ.get("LC_ALL") or os.environ.get("LC_MESSAGES") or os.environ.get("LANG") or ""
    if not loc and os.name == "nt":
        import locale

        try:
            loc = locale.getlocale()[0] or ""
        except ValueError:  # an unknown locale name
            loc = ""
    if not loc or loc.upper() in ("C", "POSIX") or loc.upper().startswith(("C.", "POSIX.")):
        return "zh" if shows_chinese() else "en"
    return "zh" if loc.lower().startswith(("zh", "chinese")) else "en"


def shows_chinese() -> bool:
    """Whether the output can carry Chinese at all: an ASCII or Latin-1 stdout
    (PYTHONIOENCODING=ascii, a Western code page) would turn every word of a zh report into "?"
    and every zh error line into \\u escapes, so the locale-less default is then en."""
    import sys

    stream = sys.stdout if sys.stdout is not None else sys.stderr
    try:
        "中文".encode(getattr(stream, "encoding", None) or "utf-8")
    except (UnicodeEncodeError, LookupError):
        return False
    return True


def argv_lang(args) -> str | None:
    """`--lang X` / `--lang=X` among the command-line arguments (before a `--`), if X is a language."""
    args = [str(a) for a in args or ()]
    for i, arg in enumerate(args):
        if arg == "--":
            break
        value = args[i + 1] if arg == "--lang" and i + 1 < len(args) else arg[7:] if arg.startswith("--lang=") else None
        value = value.lower() if value else value
        if value in LANGS:
            return value
    return None


def current() -> str:
    """The language of the command line's words in this run."""
    return LANG.get() or locale_lang()


def say(key: str, lang: str | None = None, /, **params) -> str:
    """A `[cli.*]` message worded: `say("usage.extra_args", args="x")`."""
    from ttcalc.core.msg import msg
    from ttcalc.output.i18n import word

    return word(msg(f"cli.{key}", **params), lang or current())


class _Ids(dict):
    def __missing__(self, key: str) -> str:
        return key


def help_text(key: str, lang: str | None = None) -> str | None:
    """A --help text (`command.budget`, `option.policy`, …) with its `{id}`s spelled out;
    None when the catalog has none."""
    from ttcalc.output.i18n import catalog

    template = catalog(lang or current()).get(f"cli.{key}")
    return None if template is None else template.format_map(_Ids())
