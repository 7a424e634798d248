"""User-facing text as data: a message code and its parameters.

Computation never words anything: a check's remedy, a skip reason, a warning or an error
is a `Msg` (code + parameters), and the output layer words it in the chosen language from
one catalog file per language (`ttcalc/output/messages/zh.toml`, `en.toml`; see
`ttcalc.output.i18n`).  So JSON keys, codes and numbers never depend on the locale, and a
sentence exists in one place per language.

Parameters are plain values; a few wrappers say how a number is shown:
`Fen` (an amount in fen, shown ¥1,234.56), and nested `Msg`s or lists of them (worded
too, lists joined with the language's separator).
"""

from __future__ import annotations

from dataclasses import dataclass, field


class Fen(int):
    """An amount in integer fen; worded as 1,234.56 (the catalog adds ¥ or 元)."""


@dataclass(frozen=True)
class Msg:
    code: str
    params: dict = field(default_factory=dict, hash=False, compare=True)

    def __str__(self) -> str:  # a fallback only: the output layer words messages
        return self.code + (f" {self.params}" if self.params else "")


def msg(code: str, /, **params) -> Msg:
    """A message: `msg("budget.remedy.shortfall", gap=Fen(120), required=Fen(3300))`."""
    return Msg(code, params)
