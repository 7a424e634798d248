"""The options' values coerced without pydantic where the answer is plain.

Typer 0.29 coerces every parameter through a pydantic TypeAdapter built on first use: the
import of pydantic and one adapter per option cost a fifth of a second on every run — more than
the rest of a small command.  ttcalc's options are text, paths, choices (enums) and lists of
text; for a value of those types given as text, the answer is the text itself, the Path, or the
choice typer's own `coerce_cli_choice` picks.  Anything else — another type, a value that is
not text, a choice that matches none — goes to Typer's own coercion, which words the error
exactly as before."""

from __future__ import annotations

import typing
from dataclasses import dataclass
from enum import Enum
from pathlib import Path

from typer._coercion import RuntimeParam, build_runtime_param
from typer._param_types import coerce_cli_choice, coerce_cli_path


def _leaf(annotation, info, value, param, ctx):
    """The coerced value, or raise LookupError: not a plain case."""
    if not isinstance(value, str) or info.parser is not None:
        raise LookupError
    if annotation is str:
        return value
    if isinstance(annotation, type) and issubclass(annotation, Enum):
        return coerce_cli_choice(value, choices=list(annotation), case_sensitive=info.case_sensitive, ctx=ctx)
    if annotation is Path and info.path_type in (None, Path):
        return coerce_cli_path(Path(value), info, path_type=Path, param=param, ctx=ctx)
    raise LookupError


@dataclass(frozen=True)
class Plain(RuntimeParam):
    """Typer's RuntimeParam for the plain cases; the rest handed to Typer's own."""

    def _coerce_value(self, value, param, ctx):
        info = self.parameter_info
        try:
            if typing.get_origin(self.annotation) is list and isinstance(value, (list, tuple)):
                (item,) = typing.get_args(self.annotation)
                return [_leaf(item, info, v, param, ctx) for v in value]
            return _leaf(self.annotation, info, value, param, ctx)
        except (LookupError, ValueError):
            return build_runtime_param(param.type_descriptor)._coerce_value(value, param=param, ctx=ctx)


def install(params) -> None:
    """Plain coercion for each Typer parameter of a command that has none yet (not a file)."""
    for param in params:
        descriptor = getattr(param, "type_descriptor", None)
        if descriptor is None or getattr(param, "_runtime_param", 1) is not None or descriptor.file_annotation:
            continue
        param._runtime_param = Plain(parameter_info=descriptor.parameter_info, annotation=descriptor.annotation)
