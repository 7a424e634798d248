"""The benchmark's generators make files ttcalc reads exactly (bench/gen.py; the benchmark
itself is never run by the tests)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

_spec = importlib.util.spec_from_file_location("bench_gen", Path(__file__).resolve().parents[1] / "bench" / "gen.py")
gen = importlib.util.module_from_spec(_spec)
sys.modules["bench_gen"] = gen  # dataclasses look their module up
_spec.loader.exec_module(gen)


def _check(run, path):
    want = gen.expected(path)
    data = run("budget", path, "--format", "json").json()
    f = data["figures"]
    assert int(f["payroll_total"].replace(".", "")) == want["payroll_total_fen"]
    assert (f["payroll_rows"], f["people"], f["units"]) == (want["rows"], want["people"], want["units"])


@pytest.mark.parametrize("k", range(len(gen.SHAPES)))
def test_payroll_shapes(run, tmp_path, k):
    _check(run, gen.payroll_xlsx(tmp_path, 60, gen.SHAPES[k]))


def test_province_and_folder(run, tmp_path):
    _check(run, gen.big_csv(tmp_path, 50, 0.9))
    _check(run, gen.big_parquet(tmp_path, 50, 0.9))
    _check(run, gen.school_folder(tmp_path, 3, 20))
