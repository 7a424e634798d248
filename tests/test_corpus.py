"""The robustness corpus never crashes ttcalc (issue 8, spec §5).

Every file of ../shared/corpus/robust (or $TTCALC_CORPUS/robust) goes through `ttcalc inspect
FILE --format json` and `ttcalc budget FILE --format json`, each in a worker process under a
2 GB address-space cap and a 20 s time limit per file: each must exit 0, 1 or 2 — never 3,
never a traceback, never a killed process — and an exit 2 must say why in one line that names
the file.  Two workers share the files, so the walk takes well under a minute on two cores.

    python tests/test_corpus.py            # the tally: computed / refused by reason

prints the tally (the tests print nothing; with TTCALC_CORPUS_TALLY=FILE they write it there).
"""

from __future__ import annotations

import json
import os
import queue
import re
import resource
import selectors
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

import pytest

HERE = Path(__file__).resolve()
CORPUS = Path(os.environ.get("TTCALC_CORPUS") or HERE.parents[2] / "shared" / "corpus")
ROBUST = CORPUS / "robust"
FILES = sorted(p for p in ROBUST.iterdir() if p.is_file()) if ROBUST.is_dir() else []
COMMANDS = ("inspect", "budget")
MEMORY_CAP = 2 << 30  # bytes of address space per worker
TIME_LIMIT = 20.0  # seconds for both commands on one file
WORKERS = max(1, min(2, os.cpu_count() or 1))
MARK = "@@ttcalc-corpus "

WORKER = r'''
import json, sys, time, traceback
from typer.testing import CliRunner
from ttcalc.cli import app

MARK = sys.argv[1]
out = sys.__stdout__
runner = CliRunner()
for line in sys.stdin:
    path = line.rstrip("\n")
    if not path:
        continue
    results = {}
    for cmd in ("inspect", "budget"):
        started = time.monotonic()
        r = runner.invoke(app, [cmd, path, "--format", "json", "--lang", "en"])
        exc = r.exception if r.exception is not None and not isinstance(r.exception, SystemExit) else None
        try:
            shown = json.loads(r.stdout).get("command") if r.stdout else None
        except ValueError:
            shown = "not JSON"
        results[cmd] = {"code": r.exit_code, "stdout": r.stdout[:2000], "stdout_command": shown,
                        "stderr": r.stderr[:4000],
                        "exception": "".join(traceback.format_exception(exc))[-2000:] if exc else None,
                        "seconds": round(time.monotonic() - started, 3)}
    out.write(MARK + json.dumps({"path": path, "results": results}) + "\n")
    out.flush()
'''


def _limit() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_CAP, MEMORY_CAP))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


class _Worker:
    """One `python -c WORKER` process: a file path in on stdin, a result line out on stdout."""

    def __init__(self) -> None:
        self.log = tempfile.TemporaryFile()
        env = dict(os.environ, RUST_BACKTRACE="0", PYTHONUNBUFFERED="1")
        self.proc = subprocess.Popen([sys.executable, "-c", WORKER, MARK], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=self.log, preexec_fn=_limit, env=env)
        self.sel = selectors.DefaultSelector()
        self.sel.register(self.proc.stdout, selectors.EVENT_READ)
        self.buf = b""

    def ask(self, path: Path, limit: float) -> dict:
        started = time.monotonic()
        try:
            self.proc.stdin.write((str(path) + "\n").encode())
            self.proc.stdin.flush()
        except (BrokenPipeError, OSError):
            return self._died(path)
        deadline = started + limit
        while True:
            while b"\n" in self.buf:
                line, self.buf = self.buf.split(b"\n", 1)
                text = line.decode("utf-8", "replace")
                if text.startswith(MARK):
                    found = json.loads(text[len(MARK):])
                    found["seconds"] = round(time.monotonic() - started, 3)
                    return found
            left = deadline - time.monotonic()
            if left <= 0:
                self.stop()
                return {"path": str(path), "failure": f"timeout: no answer within {limit:.0f} s",
                        "seconds": round(time.monotonic() - started, 3)}
            if self.sel.select(timeout=left):
                chunk = os.read(self.proc.stdout.fileno(), 65536)
                if not chunk:
                    return self._died(path)
                self.buf += chunk

    def _died(self, path: Path) -> dict:
        code = self.proc.wait()
        self.log.seek(0)
        tail = self.log.read()[-1500:].decode("utf-8", "replace")
        return {"path": str(path), "failure": f"worker died (exit status {code}): {tail}"}

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()  # our own child, by its handle
            self.proc.wait()
        self.sel.close()
        self.log.close()

    def close(self) -> None:
        try:
            self.proc.stdin.close()
            self.proc.wait(timeout=10)
        except (OSError, subprocess.TimeoutExpired):
            pass
        self.stop()


def walk(files: list[Path], workers: int = WORKERS, limit: float = TIME_LIMIT) -> dict[str, dict]:
    """{file name: result} for every file, run by `workers` worker processes."""
    todo: queue.Queue = queue.Queue()
    for f in files:
        todo.put(f)
    results: dict[str, dict] = {}
    lock = threading.Lock()

    def serve() -> None:
        worker = _Worker()
        try:
            while True:
                try:
                    path = todo.get_nowait()
                except queue.Empty:
                    return
                found = worker.ask(path, limit)
                with lock:
                    results[path.name] = found
                if "failure" in found:
                    worker.stop()
                    worker = _Worker()
        finally:
            worker.close()

    threads = [threading.Thread(target=serve, daemon=True) for _ in range(workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


# ------------------------------------------------------------------ the tally

REASONS = [  # (category, pattern in the one-line message, file name removed); first match wins
    ("limit: zip bomb / allocation bomb", r"refused: .*(unpack|cells|packed parts|span|fields)"),
    ("password-protected", r"受密码保护|password"),
    ("Office lock file", r"lock file"),
    ("truncated or damaged", r"truncated|damaged|zip structure"),
    ("foreign format (WPS .et, Numbers, .fods, 2003 XML, HTML, SYLK, DIF, old Excel…)",
     r"WPS \.et|Apple Numbers|\.fods|2003 XML|web page|web archive|SYLK|DIF|Lotus|Excel 4 or earlier|"
     r"not a real Excel file|code page"),
    ("macro/dialog sheet", r"macro or dialog sheet"),
    ("not a spreadsheet", r"not a spreadsheet|Word document|PowerPoint|binary content|plain text"),
    ("empty workbook", r"empty sheet|empty file|has no sheets"),
    ("no table header (not a payroll)", r"no table header"),
    ("missing payroll columns", r"missing .* column"),
    ("not a person table", r"non-person table"),
    ("bad amount in a pay column", r"expected an amount"),
    ("gross pay empty", r"gross pay .* is empty"),
    ("reader message", r"cannot be read"),
]


def category(message: str, path: str = "") -> str:
    text = message.replace(path, "") if path else message
    for name, pattern in REASONS:
        if re.search(pattern, text):
            return name
    return "other"


def tally(results: dict[str, dict]) -> dict:
    """How the corpus fared, per command: computed (exit 0/1), refused by reason (exit 2),
    and anything else (which the tests below reject)."""
    out: dict = {"files": len(results)}
    for cmd in COMMANDS:
        counts: Counter = Counter()
        refused: Counter = Counter()
        for found in results.values():
            if "failure" in found:
                counts["FAILED: " + found["failure"].split(":")[0]] += 1
                continue
            r = found["results"][cmd]
            if r["code"] in (0, 1):
                counts["computed"] += 1
            elif r["code"] == 2:
                counts["refused"] += 1
                refused[category(r["stderr"], found["path"])] += 1
            else:
                counts[f"exit {r['code']}"] += 1
        out[cmd] = {**dict(counts), "refused_by_reason": dict(refused.most_common())}
    slow = sorted(((f["seconds"], n) for n, f in results.items() if "seconds" in f), reverse=True)[:5]
    out["slowest"] = [f"{n} {s:.1f} s" for s, n in slow]
    return out


# ------------------------------------------------------------------ tests

pytestmark = pytest.mark.skipif(not FILES, reason=f"the robustness corpus is absent ({ROBUST}); "
                                                  "set TTCALC_CORPUS to the folder holding robust/")

_RESULTS: dict[str, dict] = {}


@pytest.fixture(scope="module")
def corpus() -> dict[str, dict]:
    if not _RESULTS:
        _RESULTS.update(walk(FILES))
        target = os.environ.get("TTCALC_CORPUS_TALLY")
        if target:
            Path(target).write_text(json.dumps(tally(_RESULTS), ensure_ascii=False, indent=2) + "\n",
                                    encoding="utf-8")
    return _RESULTS


@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_file_is_computed_or_refused_in_one_line(corpus, path):
    found = corpus[path.name]
    assert "failure" not in found, f"{path.name}: {found.get('failure')}"
    assert found["seconds"] < TIME_LIMIT
    for cmd in COMMANDS:
        r = found["results"][cmd]
        where = f"ttcalc {cmd} {path.name}"
        assert r["exception"] is None, f"{where}: escaped exception\n{r['exception']}"
        assert "Traceback" not in r["stderr"] and "Traceback" not in r["stdout"], f"{where}: traceback"
        assert r["code"] in (0, 1, 2), f"{where}: exit {r['code']}: {r['stderr']}"
        if r["code"] == 2:
            lines = r["stderr"].splitlines()
            assert len(lines) == 1 and r["stderr"].endswith("\n"), f"{where}: not one line: {r['stderr']!r}"
            assert lines[0].startswith("ttcalc: ") and path.name in lines[0], f"{where}: {lines[0]}"
            assert r["stdout"] == "", f"{where}: exit 2 printed on stdout"
        else:
            assert r["stdout_command"] == cmd, f"{where}: stdout is not the JSON report"


def test_denial_of_service_files_are_quick(corpus):
    """The allocation-bomb files of the corpus finish in seconds under the 2 GB cap."""
    dos = [n for n in corpus if re.search(r"OOM|_dos|panic|bad_cfb", n)]
    assert dos, "the corpus' denial-of-service files are missing"
    for name in dos:
        assert "failure" not in corpus[name], f"{name}: {corpus[name].get('failure')}"
        assert corpus[name]["seconds"] < 10, f"{name}: {corpus[name]['seconds']} s"


def test_tally_accounts_for_every_file(corpus):
    t = tally(corpus)
    for cmd in COMMANDS:
        assert t[cmd].get("computed", 0) + t[cmd].get("refused", 0) == len(FILES), t[cmd]
        assert "other" not in t[cmd]["refused_by_reason"], \
            [(n, f["results"][cmd]["stderr"]) for n, f in corpus.items()
             if "results" in f and f["results"][cmd]["code"] == 2
             and category(f["results"][cmd]["stderr"], f["path"]) == "other"]


if __name__ == "__main__":
    if not FILES:
        sys.exit(f"no corpus at {ROBUST}")
    started = time.monotonic()
    found = walk(FILES)
    report = tally(found)
    report["seconds"] = round(time.monotonic() - started, 1)
    sys.stdout.write(json.dumps(report, ensure_ascii=False, indent=2) + "\n")
