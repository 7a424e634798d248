"""The options' values coerced without pydantic (cli.coerce) give what Typer's own coercion
gives — the same value, or the same usage error — and a command run never imports pydantic
(its import and adapters cost a fifth of a second a run)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer._coercion import build_runtime_param

from ttcalc.cli import coerce


def _params():
    """Every parameter of every ttcalc command, as Typer builds them."""
    import typer

    from ttcalc.cli import app

    root = typer.main.get_command(app)
    out, todo = [], [root]
    while todo:
        cmd = todo.pop()
        out += [p for p in cmd.params if getattr(p, "type_descriptor", None) is not None]
        todo += list(getattr(cmd, "commands", {}).values())
    return out


PARAMS = _params()
TEXT = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=12)
CHOICES = st.sampled_from(["json", "JSON", "Json", "table", "csv", "markdown", "zh", "EN", "en", "xml", ""])


def _both(param, value):
    """(plain answer, Typer's answer): a value, or the error's message."""
    d = param.type_descriptor
    plain = coerce.Plain(parameter_info=d.parameter_info, annotation=d.annotation)
    full = build_runtime_param(d)
    out = []
    for way in (plain, full):
        try:
            got = way._coerce_value(value, param=param, ctx=None)
            out.append(("value", got, type(got)))
        except Exception as exc:  # noqa: BLE001 — the error itself is compared
            out.append(("error", type(exc).__name__, str(exc)))
    return out


def test_the_commands_have_the_parameters_this_test_covers():
    kinds = {repr(p.type_descriptor.annotation) for p in PARAMS}
    assert {"<class 'str'>", "list[str]", "<class 'pathlib.Path'>", "<enum 'Fmt'>", "<enum 'Lang'>"} <= kinds


@settings(max_examples=200, deadline=None)
@given(index=st.integers(0, len(PARAMS) - 1), value=TEXT | CHOICES, many=st.lists(TEXT | CHOICES, max_size=3))
def test_plain_coercion_is_typers(index, value, many):
    param = PARAMS[index]
    plain, full = _both(param, value)
    assert plain == full
    plain, full = _both(param, tuple(many))
    assert plain == full


def test_a_run_never_imports_pydantic(tmp_path):
    csv = tmp_path / "p.csv"
    csv.write_text("姓名,身份证号,单位,应发合计\n甲,11010519491231002X,一中,1.00\n", encoding="utf-8")
    code = ("import sys\nfrom ttcalc.cli import main\n"
            f"sys.argv = ['ttcalc', 'budget', {str(csv)!r}, '--format', 'JSON', '--lang', 'EN', '--quiet', "
            f"'--output', {str(tmp_path / 'out.xlsx')!r}]\n"
            "try:\n    main()\nexcept SystemExit as e:\n    code = e.code\n"
            "sys.stderr.write('pydantic' if 'pydantic' in sys.modules else 'clean')\n")
    ran = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert ran.stderr.strip().endswith("clean"), ran.stderr
    assert Path(tmp_path / "out.xlsx").exists()


@pytest.mark.parametrize("args", [["--format", "xml"], ["--lang", "fr"]])
def test_a_wrong_choice_is_still_typers_usage_error(run, args, tmp_path):
    ran = run("budget", str(tmp_path / "x.csv"), *args)
    assert ran.code == 2
