"""The one language mechanism, kept by reading the source (spec §4): an error or a warning a user
can see is built from a message code (`msg("area.key", …)`), never from an English string or an
f-string; and every code the source uses is in both catalogs, with the parameters its templates
need.  A few exceptions are internal (a parser's ValueError that its callers catch and turn into
a code, a bug's assertion): they are listed below, each with why."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from ttcalc.output.i18n import catalog, fields_of

SRC = Path(__file__).resolve().parents[1] / "src" / "ttcalc"

# (module, exception): why its text never reaches a user
INTERNAL = {
    ("__init__.py", "AttributeError"): "Python's own module __getattr__ protocol",
    ("cells/money.py", "ValueError"): "a cell that is not an amount: the callers catch it and give a code",
    ("cells/dates.py", "ValueError"): "a cell that is not a date: the callers catch it and give a code",
    ("policy/rules.py", "ValueError"): "an op the profile validation already refused: a bug, exit 3",
    ("read/textfiles.py", "ValueError"): "caught in textfiles: the encoding error is a code",
    ("read/xlsxfast.py", "ValueError"): "caught by excel._typed_grid: the general reader words the error",
    ("read/limits.py", "RuntimeError"): "an installation fault (defusedxml missing): exit 3",
    ("output/i18n.py", "KeyError"): "a code missing from a catalog: a bug the tests below catch",
    ("cli/run.py", "ImportError"): "the import finder keeping pandas out of the command line: libraries catch it",
}
# user-facing errors still built from English text, owned by another part of the work (the CLI's
# standard-input and broken-pipe lines): each must go, and none may be added
PENDING = {("cli/run.py", 3)}

USER_ERRORS = {"InputError", "TtcalcError"}


def _modules():
    for p in sorted(SRC.rglob("*.py")):
        yield p.relative_to(SRC).as_posix(), ast.parse(p.read_text(encoding="utf-8"))


def _is_warning(call) -> bool:
    """Warn("code", …) or a warnings collector's add("code", …) (warn.add, pay.warnings.add)."""
    f, first = call.func, call.args[0] if call.args else None
    if not (isinstance(first, ast.Constant) and isinstance(first.value, str)):
        return False
    return _name(f) == "Warn" or (isinstance(f, ast.Attribute) and f.attr == "add" and
                                  re.search(r"warn", ast.unparse(f.value)) is not None)


def _name(func) -> str | None:
    return func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else None


def _text(node) -> bool:
    """Built from words: a str literal, an f-string, "…" + x, "…".format(…), ", ".join(…), str(x)."""
    if isinstance(node, ast.JoinedStr):
        return True
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return True
    if isinstance(node, ast.BinOp):
        return _text(node.left) or _text(node.right)
    if isinstance(node, ast.IfExp):
        return _text(node.body) or _text(node.orelse)
    if isinstance(node, ast.Call):
        return (isinstance(node.func, ast.Attribute) and node.func.attr in ("format", "join")) or \
            (isinstance(node.func, ast.Name) and node.func.id in ("str", "repr"))
    return False


def _sentence(node) -> bool:
    """A parameter that is English words rather than data: an f-string or a literal with a space
    and a word of three letters (not a code, an option name or a TOML snippet)."""
    if isinstance(node, ast.JoinedStr):
        return any(isinstance(v, ast.Constant) and re.search(r"[a-z]{3,} [a-z]{3,}", str(v.value))
                   for v in node.values)
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        if node.value.startswith(("ttcalc ", "--")):  # a command or an option to type, the same in any language
            return False
        return bool(re.search(r"\b[a-z]{3,} [a-z]{3,}\b", node.value))
    return False


def _constructions():
    """(module, line, class, first argument, call) of every exception built in the source."""
    for mod, tree in _modules():
        raised = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call):
                raised.add(id(node.exc))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            name = _name(node.func)
            if name in USER_ERRORS or (id(node) in raised and name and name.endswith(("Error", "Exception"))):
                yield mod, node.lineno, name, (node.args[0] if node.args else None), node


def test_no_user_error_is_built_from_english_text():
    bad, pending = [], {}
    for mod, line, name, first, _call in _constructions():
        if first is None or not _text(first):
            continue
        if (mod, name) in INTERNAL:
            continue
        if mod.startswith("cli/") and name in USER_ERRORS:
            pending[mod] = pending.get(mod, 0) + 1
            continue
        bad.append(f"{mod}:{line} {name}({ast.unparse(first)[:70]}…): use msg(\"area.key\", …)")
    assert not bad, "\n".join(bad)
    assert set(pending.items()) <= PENDING, f"new English errors in the CLI: {pending}"


def test_the_internal_list_is_not_stale():
    used = {(mod, name) for mod, _line, name, first, _c in _constructions() if first is not None and _text(first)}
    assert set(INTERNAL) <= used, sorted(set(INTERNAL) - used)


def test_errors_with_text_are_caught_guard_itself_can_fail():
    """The guard sees an f-string, a literal, a concatenation and a .format; not a msg(...)."""
    tree = ast.parse('raise InputError(f"{p}: bad")\nraise InputError("x" + y)\n'
                     'raise InputError("{}".format(1))\nraise InputError(msg("a.b", p=1))')
    firsts = [n.exc.args[0] for n in tree.body]
    assert [_text(f) for f in firsts] == [True, True, True, False]


def test_no_warning_carries_english_text():
    bad = []
    for mod, tree in _modules():
        for node in ast.walk(tree):
            if isinstance(node, ast.Dict):  # a warning as a dict: {"code": …, "message": "…"}
                for k, v in zip(node.keys, node.values):
                    if isinstance(k, ast.Constant) and k.value == "message" and _text(v):
                        bad.append(f"{mod}:{node.lineno} a warning's message is text")
            if not isinstance(node, ast.Call):
                continue
            if _is_warning(node):
                code = node.args[0] if node.args else None
                if isinstance(code, ast.Constant) and not re.fullmatch(r"[a-z0-9_]+", str(code.value)):
                    bad.append(f"{mod}:{node.lineno} warning code {code.value!r} is not a code")
                for arg in list(node.args[1:]) + [k.value for k in node.keywords]:
                    values = arg.values if isinstance(arg, ast.Dict) else [arg]
                    for v in values:
                        if _sentence(v):
                            bad.append(f"{mod}:{node.lineno} warning parameter is English text: {ast.unparse(v)[:60]}")
    assert not bad, "\n".join(bad)


def test_no_message_parameter_is_an_english_sentence():
    """msg("x.y", why="cannot read it") would put English into the Chinese line: a parameter is
    data (a file, a number, a value quoted back, a command to type) or a nested msg(...)."""
    bad = []
    for mod, tree in _modules():
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and _name(node.func) in ("msg", "Msg", "fail"):
                values = [k.value for k in node.keywords]
                values += [v for a in node.args[1:] if isinstance(a, ast.Dict) for v in a.values]
                bad += [f"{mod}:{node.lineno} {ast.unparse(v)[:60]}" for v in values if _sentence(v)]
    assert not bad, "\n".join(bad)
    assert _sentence(ast.parse('"cannot read the file"').body[0].value)
    assert not _sentence(ast.parse('"ttcalc duties"').body[0].value)


# ---- every code the source uses is in both catalogs ------------------------------------------

def _uses(modules=None):
    """(module, line, code or prefix*, parameter names or None when **params are passed)."""
    for mod, tree in modules or _modules():
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call) or not node.args:
                continue
            name, first = _name(node.func), node.args[0]
            names = None if any(k.arg is None for k in node.keywords) else {k.arg for k in node.keywords}
            if name in ("msg", "Msg") and isinstance(first, ast.Constant) and isinstance(first.value, str):
                if name == "Msg":  # Msg(code, {params})
                    given = node.args[1] if len(node.args) > 1 else None
                    names = {k.value for k in given.keys} if isinstance(given, ast.Dict) and \
                        all(isinstance(k, ast.Constant) for k in given.keys) else None if given is not None else set()
                yield mod, node.lineno, first.value, names
            elif name == "msg" and isinstance(first, ast.JoinedStr):
                head = first.values[0]
                if isinstance(head, ast.Constant):
                    yield mod, node.lineno, head.value + "*", None
            elif name == "fail" and mod.startswith("policy/") and len(node.args) > 1 and \
                    isinstance(node.args[1], ast.Constant):  # policy.profile: fail(key, "why", **params)
                yield mod, node.lineno, "policy.why." + node.args[1].value, names
            elif _is_warning(node) and re.fullmatch(r"[a-z0-9_]+", first.value):
                yield mod, node.lineno, "warning." + first.value, None


def test_every_code_in_the_source_is_in_both_catalogs_with_its_parameters():
    zh, en = catalog("zh"), catalog("en")
    bad, n = [], 0
    for mod, line, code, names in _uses():
        n += 1
        for lang, cat in (("zh", zh), ("en", en)):
            if code.endswith("*"):
                if not any(k.startswith(code[:-1]) for k in cat):
                    bad.append(f"{mod}:{line} no {code} in {lang}.toml")
                continue
            if code not in cat:
                bad.append(f"{mod}:{line} {code} missing from {lang}.toml")
                continue
            if names is not None:
                need = {f for f in fields_of(cat[code]) if not (f.endswith("_s") and f[:-2] in names)}
                if need - names:
                    bad.append(f"{mod}:{line} {code} ({lang}) needs {sorted(need - names)}, given {sorted(names)}")
    assert n > 300, n  # the scan finds the codes
    assert not bad, "\n".join(bad)


@pytest.mark.parametrize("snippet, found", [
    ('msg("read.book.no_sheet", file="f")', ("read.book.no_sheet", {"file"})),
    ('msg("x.y", **p)', ("x.y", None)),
    ('msg(f"duties.kind.{k}")', ("duties.kind.*", None)),
    ('Warn("degree_as_education", f)', ("warning.degree_as_education", None)),
    ('pay.warnings.add("gross_empty", f, s, r)', ("warning.gross_empty", None)),
    ('Msg("policy.bound.about", {"value": v, "tolerance": t})', ("policy.bound.about", {"value", "tolerance"})),
    ('fail(key, "missing")', ("policy.why.missing", set())),
])
def test_the_code_scan_sees_msg_warn_and_fail(snippet, found):
    [(_mod, _line, code, names)] = _uses([("policy/x.py", ast.parse(snippet))])
    assert (code, names) == found
