"""The tree shows the pipeline, and the code keeps to it (issue 11): layers import only
downwards, no import cycles, no private name imported across modules, no module over ~400
lines, nothing below the CLI prints or imports Typer, and every imported distribution is
declared in pyproject.toml."""

from __future__ import annotations

import ast
import sys
import tomllib
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "ttcalc"
# lowest first; a module may import from its own layer or one below
LAYERS = [
    ("core",),
    ("cells",),
    ("read",),
    ("policy",),
    ("budget", "staffing", "hours", "duties", "institutions", "inspect"),
    ("output",),
    ("pipeline", "api", "check", "sample"),  # commands that write files go through output.safeio
    ("cli", "__main__"),
]
MAX_LINES = 420


def _layer(module: str) -> int | None:
    parts = module.split(".")
    if parts[0] != "ttcalc":
        return None
    if len(parts) == 1:
        return -1  # the package itself (__version__)
    for i, names in enumerate(LAYERS):
        if parts[1] in names:
            return i
    return None


def _modules() -> dict[str, Path]:
    out = {}
    for p in SRC.rglob("*.py"):
        rel = p.relative_to(SRC.parent).with_suffix("")
        name = ".".join(rel.parts)
        out[name[: -len(".__init__")] if name.endswith(".__init__") else name] = p
    return out


def _imports(path: Path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            if node.level:
                raise AssertionError(f"{path}: relative import (imports are absolute)")
            yield node.module, [a.name for a in node.names], node.lineno
        elif isinstance(node, ast.Import):
            for a in node.names:
                yield a.name, [], node.lineno


def test_layers_import_only_downwards():
    bad = []
    for name, path in _modules().items():
        if name == "ttcalc":
            continue
        mine = _layer(name)
        assert mine is not None, f"{name}: not in any layer of this test's LAYERS"
        for module, names, line in _imports(path):
            for target in [module] + [f"{module}.{n}" for n in names]:
                theirs = _layer(target)
                if theirs is not None and theirs > mine and target in _modules():
                    bad.append(f"{name}:{line} imports {target}")
                    break
    assert not bad, "\n".join(bad)


def test_no_private_name_is_imported_across_modules():
    bad = [f"{name}:{line} imports {n} from {module}"
           for name, path in _modules().items() for module, names, line in _imports(path)
           if module.startswith("ttcalc") for n in names if n.startswith("_") and n != "__version__"]
    assert not bad, "\n".join(bad)


def test_no_import_cycles_at_module_level():
    mods = _modules()
    graph: dict[str, set[str]] = {}
    for name, path in mods.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        deps = set()
        for node in tree.body:  # module level only: a deferred import inside a function is a choice
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("ttcalc"):
                for n in node.names:
                    deps.add(f"{node.module}.{n.name}" if f"{node.module}.{n.name}" in mods else node.module)
        graph[name] = {d for d in deps if d in mods and d != name}
    seen, stack, cycles = set(), [], []

    def visit(n):
        if n in stack:
            cycles.append(stack[stack.index(n):] + [n])
            return
        if n in seen:
            return
        seen.add(n)
        stack.append(n)
        for d in graph.get(n, ()):
            visit(d)
        stack.pop()

    for n in graph:
        visit(n)
    assert not cycles, cycles


def test_modules_are_small():
    big = {name: n for name, p in _modules().items()
           if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert not big, big


def test_nothing_below_the_cli_prints_or_knows_typer():
    bad = []
    for name, path in _modules().items():
        if name == "ttcalc.cli" or name.startswith("ttcalc.cli.") or name == "ttcalc.__main__":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "print":
                bad.append(f"{name}:{node.lineno} print()")
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "write" and \
                    isinstance(node.func.value, ast.Attribute) and node.func.value.attr in ("stdout", "stderr"):
                bad.append(f"{name}:{node.lineno} writes to sys.{node.func.value.attr}")
        for module, _names, line in _imports(path):
            if module.split(".")[0] in ("typer", "click"):
                bad.append(f"{name}:{line} imports {module}")
    assert not bad, "\n".join(bad)


_DIST = {"yaml": "pyyaml", "dateutil": "python-dateutil", "python_calamine": "python-calamine",
         "msoffcrypto": "msoffcrypto-tool", "duckdb": "duckdb"}


def test_every_import_is_declared_and_every_declaration_imported():
    project = tomllib.loads((SRC.parents[1] / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    declared = {d.split(">")[0].split("=")[0].split("<")[0].split("[")[0].strip().lower()
                for d in project["dependencies"]}
    used = set()
    for _name, path in _modules().items():
        for module, _names, _line in _imports(path):
            top = module.split(".")[0]
            if top == "ttcalc" or top in sys.stdlib_module_names or top == "__future__":
                continue
            used.add(_DIST.get(top, top).lower().replace("_", "-"))
    assert used - declared == set(), f"imported, not declared: {sorted(used - declared)}"
    assert declared - used == set(), f"declared, never imported: {sorted(declared - used)}"


@pytest.mark.parametrize("module", ["ttcalc", "ttcalc.cli"])
def test_start_up_imports_no_heavy_library(module):
    import subprocess

    code = (f"import sys, {module}; heavy = [m for m in ('pandas', 'pyarrow', 'numpy', 'fastexcel', 'openpyxl', "
            "'xlsxwriter', 'duckdb', 'polars') if m in sys.modules]; print(','.join(heavy))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == "", f"importing {module} loads {out}"
