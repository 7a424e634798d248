"""Shared fixtures: the CLI runner, workbook builders and a headless LibreOffice."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from hypothesis import settings
from typer.testing import CliRunner

from builders import make_xlsx
from ttcalc.cli import app

settings.register_profile("ttcalc", deadline=None, max_examples=100)
settings.load_profile("ttcalc")

REPO = Path(__file__).resolve().parents[1]
SAMPLES = REPO / "data" / "samples"
SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


class Ran:
    def __init__(self, result):
        self.code = result.exit_code
        self.stdout = result.stdout
        self.stderr = result.stderr
        self.exception = result.exception

    def json(self) -> dict:
        return json.loads(self.stdout)


@pytest.fixture
def run():
    runner = CliRunner()

    def _run(*args) -> Ran:
        return Ran(runner.invoke(app, [str(a) for a in args]))

    return _run


@pytest.fixture
def xlsx(tmp_path):
    def _make(name: str, sheets: dict[str, list[list]], merges=None) -> Path:
        return make_xlsx(tmp_path / name, sheets, merges)

    return _make


_XCU = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema"
 xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="ODFRecalcMode" oor:op="fuse"><value>0</value></prop></item>
</oor:items>
"""


@pytest.fixture(scope="session")
def samples(tmp_path_factory):
    """The sample workbooks `ttcalc sample` writes, once for the whole run (tests only read them)."""
    from typer.testing import CliRunner

    d = tmp_path_factory.mktemp("samples")
    assert CliRunner().invoke(app, ["sample", str(d)]).exit_code == 0
    return d


@pytest.fixture(scope="session")
def soffice(tmp_path_factory):
    """convert(src, ext) -> path: LibreOffice headless conversion (which recalculates every
    formula on load, set in a throw-away profile)."""
    if not SOFFICE:
        pytest.skip("LibreOffice (soffice) is not on PATH; CI installs it with apt-get")
    profile = tmp_path_factory.mktemp("lo-profile")
    (profile / "user").mkdir()
    (profile / "user" / "registrymodifications.xcu").write_text(_XCU, encoding="utf-8")

    def convert(src: Path, ext: str, filt: str | None = None) -> Path:
        outdir = tmp_path_factory.mktemp("lo-out")
        target = f"{ext}:{filt}" if filt else ext
        subprocess.run([SOFFICE, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore",
                        "--convert-to", target, "--outdir", str(outdir), str(src)],
                       check=True, timeout=180, capture_output=True)
        out = outdir / (Path(src).stem + "." + ext)
        assert out.exists(), f"LibreOffice wrote nothing for {src}"
        return out

    return convert


def pytest_collection_modifyitems(config, items):
    """Every test that runs LibreOffice carries the `libreoffice` and `slow` markers, whether or
    not its author remembered them (select fast tests with `-m "not slow"`)."""
    for item in items:
        if "soffice" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.libreoffice)
            item.add_marker(pytest.mark.slow)


@pytest.fixture
def streamed(monkeypatch):
    """Every .xlsx sheet offered to DuckDB's stream (read.xlsxstream); returns the tables the
    stream gave — `assemble` is reached only when every batch's numbers agreed."""
    from ttcalc.read import excel, xlsxfast, xlsxstream

    calls: list = []
    original = xlsxstream.assemble

    def spy(*args, **kwargs):
        table = original(*args, **kwargs)
        calls.append(table)
        return table

    monkeypatch.setattr(xlsxfast, "TYPED_MIN_CELLS", 0)
    monkeypatch.setattr(xlsxstream, "STREAM_MIN_CELLS", 0)
    monkeypatch.setattr(excel, "LAZY_READER_BYTES", 0)
    monkeypatch.setattr(xlsxstream, "assemble", spy)
    return calls
