"""The command line's surface in the run's language: --help and usage errors.

Typer builds the commands from `Command` and `Group` (its `cls=` hook), which word what click
would write in English from the catalogs (`ttcalc.cli.words`): the usage line, a command's
summary, every option's help and metavar, "[default: …]", "[required]", the section headings
and the examples' heading.  The root `Group.main` picks the language before Typer parses (so
that `--lang en --help` is English) and turns a usage error into one worded line, exit 2."""

from __future__ import annotations

import sys
from difflib import get_close_matches
from enum import Enum

import typer
from typer.core import TyperCommand, TyperGroup

from ttcalc.cli.layout import Formatter
from ttcalc.cli.words import LANG, argv_lang, help_text, locale_lang, say

ROOT = "ttcalc"


class Worded(str):
    """A usage error's message already in the run's words (raised by the classes below)."""


class Context(typer.Context):
    formatter_class = Formatter


def key_of(command) -> str:
    """The catalog key of a command: its name, `policies_show` for a subcommand of a group."""
    return getattr(command, "words_key", None) or command.name or ROOT


def is_argument(param) -> bool:
    return param.param_type_name == "argument"


def choices_of(param) -> list[str]:
    choices = getattr(getattr(param, "type_descriptor", None), "choices", None) or ()
    return [str(c.value if isinstance(c, Enum) else c) for c in choices]


def metavar(param) -> str:
    """What stands for a parameter's value: [table|json|…] for a choice, a catalog word else."""
    choices = choices_of(param)
    if choices:
        return "[" + "|".join(choices) + "]"
    if getattr(param, "is_flag", False):
        return ""
    word = help_text(f"metavar.{param.name}") or param.name.upper()
    return word + ("..." if param.nargs == -1 else "")


def option_names(param) -> str:
    return ", ".join(sorted([*param.opts, *param.secondary_opts], key=lambda o: len(o) - len(o.lstrip("-"))))


def shown_default(ctx, param) -> str | None:
    if getattr(param, "show_default", True) is False or getattr(param, "is_flag", False):
        return None
    value = param.get_default(ctx, call=False)
    if value is None or callable(value) or value in ((), []):
        return None
    return str(value.value if isinstance(value, Enum) else value)


def record(command, ctx, param) -> tuple[str, str] | None:
    """One row of the Arguments or Options section: the name and metavar, the help text."""
    if getattr(param, "hidden", False):
        return None
    key = key_of(command)
    text = help_text(f"own.{key}.{param.name}") or help_text(f"option.{param.name}") or param.help or ""
    extra = []
    default = shown_default(ctx, param)
    if default:
        extra.append(say("word.default", value=default))
    if param.required:
        extra.append(say("word.required"))
    if extra:
        text = f"{text}  [{'; '.join(extra)}]".strip()
    if is_argument(param):
        return metavar(param), text
    value = metavar(param)
    return (f"{option_names(param)} {value}" if value else option_names(param)), text


class Words:
    """What click writes, worded from the catalogs (mixed into Command and Group)."""

    context_class = Context
    words_key: str | None = None

    def collect_usage_pieces(self, ctx) -> list[str]:
        pieces = [say("word.options_metavar")] if self.options_metavar else []
        for param in self.get_params(ctx):
            if is_argument(param):
                pieces.append(metavar(param) if param.required else f"[{metavar(param)}]")
        return pieces

    def get_help(self, ctx) -> str:
        """The help as stdout can carry it: a Latin-1 or ASCII console gets "?" for what it
        cannot show, never a UnicodeEncodeError (click echoes it strictly)."""
        from ttcalc.cli.run import fit_encoding

        text = super().get_help(ctx)
        try:
            return fit_encoding(text, getattr(sys.stdout, "encoding", None) or "utf-8")
        except LookupError:
            return text

    def format_usage(self, ctx, formatter) -> None:
        formatter.write_usage(ctx.command_path, " ".join(self.collect_usage_pieces(ctx)))

    def summary(self) -> str:
        return help_text(f"command.{key_of(self)}") or self.help or ""

    def format_help_text(self, ctx, formatter) -> None:
        text = self.summary()
        if text:
            formatter.write_paragraph()
            with formatter.indentation():
                formatter.write_text(text)

    def get_short_help_str(self, limit: int = 45) -> str:
        """The command's line in its group's list (and in shell completion): its brief, else
        the summary's first sentence."""
        return help_text(f"brief.{key_of(self)}") or self.summary().split(say("word.sentence_end"), 1)[0].rstrip(".。")

    def format_options(self, ctx, formatter) -> None:
        args, opts = [], []
        for param in self.get_params(ctx):
            row = record(self, ctx, param)
            if row:
                (args if is_argument(param) else opts).append(row)
        for heading, rows in (("word.arguments", args), ("word.options", opts)):
            if rows:
                with formatter.section(say(heading)):
                    formatter.write_dl(rows)

    def format_epilog(self, ctx, formatter) -> None:
        """The epilog holds example command lines, one a line, kept as written."""
        if self.epilog:
            with formatter.section(say("word.examples")):
                formatter.write_lines(self.epilog.strip("\n").splitlines())

    def parse_args(self, ctx, args):
        """Click's parsing, with the extra-arguments error worded here and every usage error
        knowing its command (for the "see … --help" hint)."""
        from ttcalc.cli.coerce import install

        install(self.get_params(ctx))  # text, paths and choices coerced without building pydantic adapters
        allowed = ctx.allow_extra_args
        ctx.allow_extra_args = True
        try:
            rest = super().parse_args(ctx, args)
        except Exception as exc:
            if hasattr(exc, "format_message") and getattr(exc, "ctx", ctx) is None:
                exc.ctx = ctx
            raise
        finally:
            ctx.allow_extra_args = allowed
        if rest and not allowed and not ctx.resilient_parsing:
            ctx.fail(Worded(say("usage.extra_args", args=" ".join(str(a) for a in rest))))
        return rest


class Command(Words, TyperCommand):
    """A ttcalc command (`app.command(cls=Command)`)."""


class Group(Words, TyperGroup):
    """ttcalc and `ttcalc policies` (`typer.Typer(cls=Group)`); the root one runs the program."""

    def __init__(self, **attrs) -> None:
        super().__init__(**attrs)
        prefix = "" if self.name in ("", ROOT) else f"{self.name}_"
        for name, command in self.commands.items():
            command.words_key = prefix + name

    def collect_usage_pieces(self, ctx) -> list[str]:
        return [*super().collect_usage_pieces(ctx), say("word.command_metavar")]

    def format_options(self, ctx, formatter) -> None:
        super().format_options(ctx, formatter)
        rows = [(name, command.get_short_help_str()) for name in self.list_commands(ctx)
                if (command := self.get_command(ctx, name)) is not None and not command.hidden]
        if rows:
            with formatter.section(say("word.commands")):
                formatter.write_dl(rows)

    def resolve_command(self, ctx, args):
        name = args[0]
        command = self.get_command(ctx, name)
        if command is None and not ctx.resilient_parsing:
            if not name[:1].isalnum():
                self.parse_args(ctx, args)  # an option where a command should be: click says which
            like = get_close_matches(name, list(self.commands))
            ctx.fail(Worded(say("usage.no_such_command_like", name=name, names=", ".join(like)) if like
                            else say("usage.no_such_command", name=name)))
        return (name if command else None), command, args[1:]

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):
        """The program: the language from --lang or the locale, then Typer; in standalone mode
        (the console script, CliRunner) a usage error is one worded line and exit 2."""
        token = LANG.set(argv_lang(sys.argv[1:] if args is None else args) or locale_lang())
        try:
            if not standalone_mode:
                return super().main(args, prog_name or ROOT, complete_var, standalone_mode=False, **extra)
            sys.exit(self.standalone(args, prog_name or ROOT, complete_var, **extra))
        finally:
            LANG.reset(token)

    def standalone(self, args, prog_name, complete_var, **extra) -> int:
        from ttcalc.cli.run import Terminated

        try:
            code = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        except typer.Exit as exc:
            return exc.exit_code
        except SystemExit as exc:  # Typer's own answer to a closed pipe (EPIPE): exit 1, silently
            if exc.code != 1 or type(sys.stdout).__name__ != "PacifyFlushWrapper":
                raise
            _quiet_stdout()
            sys.stderr.write(f"ttcalc: {say('run.stdout_gone', stream='stdout', kind='BrokenPipeError')}\n")
            return 2
        except Terminated:
            sys.stderr.write(f"ttcalc: {say('run.terminated')}\n")
            return 143
        except (typer.Abort, KeyboardInterrupt):
            sys.stderr.write(f"ttcalc: {say('run.interrupted')}\n")
            return 130
        except OSError as exc:  # --help or --version into a closed pipe or a full disk: one line, exit 2
            _quiet_stdout()
            sys.stderr.write(f"ttcalc: {say('run.stdout_gone', stream='stdout', kind=type(exc).__name__)}\n")
            return 2
        except Exception as exc:  # noqa: BLE001 — click's usage errors (Typer's copy of click) have format_message()
            if not hasattr(exc, "format_message"):  # a bug outside any command's guard: no traceback either
                from ttcalc import __version__
                from ttcalc.cells.privacy import clean_message, mask_free_text
                from ttcalc.output.safeio import error_log

                detail = mask_free_text(clean_message(exc))[:200]
                log = error_log(exc, __version__)  # spec §5: exit 3 says where the log is
                where = say("run.log_at", log=log) if log else ""
                sys.stderr.write(f"ttcalc: {say('run.internal', kind=type(exc).__name__, detail=detail, where=where)}\n")
                return 3
            if type(exc).__name__ == "NoArgsIsHelpError":
                sys.stderr.write(exc.format_message() + "\n")
                return 0
            sys.stderr.write(f"ttcalc: {usage_words(exc)}\n")
            return 2
        return code if isinstance(code, int) else 0


def _quiet_stdout() -> None:
    """stdout could not be written: point it at nothing, so the interpreter's last flush at exit
    does not fail again."""
    import os

    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):
        pass


def require_command(ctx) -> None:
    """In a group's callback (the group made with invoke_without_command): no command named
    is a usage error, worded (click's own "Missing command." is not)."""
    if ctx.invoked_subcommand is None and not ctx.resilient_parsing:
        ctx.fail(Worded(say("usage.missing_command")))


def help_hint(ctx) -> str:
    names = []
    while ctx is not None and ctx.parent is not None:
        names.append(ctx.info_name)
        ctx = ctx.parent
    return " ".join([ROOT, *reversed(names), "--help"])


def param_of(ctx, option: str):
    for param in getattr(getattr(ctx, "command", None), "params", None) or ():
        if option in [*getattr(param, "opts", ()), *getattr(param, "secondary_opts", ())]:
            return param
    return None


def bad_value(exc):
    """The value a choice refused (Typer validates with pydantic, whose error keeps it)."""
    errors = getattr(exc.__cause__, "errors", None)
    try:
        return errors()[0]["input"] if errors else None
    except (IndexError, KeyError, TypeError):
        return None


def usage_message(exc) -> str:
    """A click usage error in the run's words, from what the exception knows (its kind, the
    option or parameter), not from its English text."""
    message = getattr(exc, "message", None)
    if isinstance(message, Worded):
        return message
    kinds = {c.__name__ for c in type(exc).__mro__}
    param, ctx = getattr(exc, "param", None), getattr(exc, "ctx", None)
    if "NoSuchOption" in kinds:
        like = sorted(getattr(exc, "possibilities", None) or ())
        return say("usage.no_such_option_like", option=exc.option_name, options=", ".join(like)) if like \
            else say("usage.no_such_option", option=exc.option_name)
    if "BadOptionUsage" in kinds:
        flag = getattr(param_of(ctx, exc.option_name), "is_flag", False)
        return say("usage.takes_no_value" if flag else "usage.requires_value", option=exc.option_name)
    if "MissingParameter" in kinds and param is not None:
        return say("usage.missing_argument", name=metavar(param).removesuffix("...")) if is_argument(param) \
            else say("usage.missing_option", option=option_names(param))
    if "BadParameter" in kinds and param is not None:
        option = metavar(param) if is_argument(param) else " / ".join(param.opts)
        choices = ", ".join(choices_of(param))
        value = bad_value(exc)
        if choices and value is not None:
            return say("usage.invalid_choice", option=option, value=value, choices=choices)
        if choices:
            return say("usage.invalid_choice_no_value", option=option, choices=choices)
        return say("usage.invalid_value", option=option)
    return say("usage.other", message=exc.format_message())


def usage_words(exc) -> str:
    return say("usage.line", message=usage_message(exc), help=help_hint(getattr(exc, "ctx", None)))
