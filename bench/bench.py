"""Benchmarks (not tests): ttcalc against what a user would run instead, in the same run.

    python bench/bench.py                          # xlsx shapes at 300,000 rows + start-up
    python bench/bench.py --rows 1000000           # spec §8 size (generating takes minutes)
    python bench/bench.py --only xlsx --shapes 0,1 # some shapes only (see gen.SHAPES)
    python bench/bench.py --only startup
    python bench/bench.py --only folder,province   # 200 workbooks × 5,000 rows; CSV/Parquet 1M and 5M
    python bench/bench.py --only province --province-rows 1000000,5000000,20000000 --province-fail 0.1

Baselines (spec §8):
- .xlsx: fastexcel loading the sheet with its header row given, as a user would write it:
  `fastexcel.read_excel(p).load_sheet(0, header_row=N).to_arrow()`;
- a folder: that load of each workbook in turn;
- CSV / Parquet: DuckDB computing the same figures in SQL (total, distinct people, distinct
  units; DECIMAL), and pyarrow's bare read of the file.

ttcalc and the baseline run alternately (this machine's speed drifts), each in a fresh
process; time is the median of --repeat runs (wall clock), peak memory the largest max RSS of
the child (os.wait4).  Every ttcalc run's JSON is checked against the generator's expected
total, people and units: a wrong answer stops the benchmark.  One ratio per shape, the worst
last.  Inputs are generated into bench/out/ (not committed) and reused.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import gen  # noqa: E402

OUT = Path(__file__).resolve().parent / "out"
PY = sys.executable
TTCALC = [PY, "-m", "ttcalc"]


def _once(cmd: list[str], check: dict | None = None) -> tuple[float, float]:
    """(seconds, peak MB) of one run; with `check`, the run's JSON must hold those figures."""
    with tempfile.TemporaryFile() as out:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.PIPE)
        err = proc.stderr.read().decode() if proc.stderr else ""
        _, status, usage = os.wait4(proc.pid, 0)
        took = time.perf_counter() - start
        if os.waitstatus_to_exitcode(status) not in (0, 1):
            raise SystemExit(f"failed: {' '.join(cmd)}\n{err[-2000:]}")
        if check is not None:
            out.seek(0)
            _verify(cmd, json.loads(out.read().decode()), check)
    return took, usage.ru_maxrss / 1024


def _verify(cmd: list[str], data: dict, want: dict) -> None:
    f = data["figures"]
    total = f["payroll_total"].replace(".", "")
    got = {"payroll_total_fen": int(total), "rows": f["payroll_rows"], "people": f["people"], "units": f["units"]}
    for key, value in got.items():
        if value != want[key]:
            raise SystemExit(f"WRONG ANSWER from {' '.join(cmd[-5:])}: {key} = {value}, expected {want[key]}")


def measure(cmd: list[str], repeat: int, check: dict | None = None) -> tuple[float, float]:
    runs = [_once(cmd, check) for _ in range(repeat)]
    return statistics.median(t for t, _ in runs), max(m for _, m in runs)


def compare(ours: list[str], bases: list[list[str]], repeat: int, check: dict) -> tuple[tuple, list[tuple]]:
    """ttcalc and each baseline alternately; ((time, MB) of ours, [(time, MB) of each baseline])."""
    a: list = []
    b: list[list] = [[] for _ in bases]
    for _ in range(repeat):
        for k, base in enumerate(bases):
            b[k].append(_once(base))
        a.append(_once(ours, check))

    def summary(runs):
        return statistics.median(t for t, _ in runs), max(m for _, m in runs)
    return summary(a), [summary(r) for r in b]


def ratio(name: str, ours: tuple, base: tuple, base_name: str, tmax=None, mmax=None) -> tuple[float, str, float]:
    (t, m), (bt, bm) = ours, base
    line = (f"{name}: ttcalc {t:.2f} s / {m:.0f} MB; {base_name} {bt:.2f} s / {bm:.0f} MB; "
            f"ratio time {t / bt:.2f}×, memory {m / bm:.2f}×")
    if tmax is not None:
        ok = "ok" if t / bt <= tmax and (mmax is None or m / bm <= mmax) else "OVER TARGET"
        line += f" (target ≤ {tmax}× time" + (f", ≤ {mmax}× memory" if mmax else "") + f") {ok}"
    return t / bt, line, m / bm


def print_worst_last(title: str, lines: list[tuple]) -> None:
    print(f"== {title} (worst last)")
    for entry in sorted(lines):
        print("  " + entry[1])
    if lines:
        print(f"  worst: {max(lines)[1].split(':')[0]} at {max(lines)[0]:.2f}× time")
        mem = [e for e in lines if len(e) > 2]
        if mem:
            worst = max(mem, key=lambda e: e[2])
            print(f"  worst memory: {worst[1].split(':')[0]} at {worst[2]:.2f}× peak memory")
    sys.stdout.flush()


def natural_load(path: Path, header_row: int) -> list[str]:
    code = (f"import fastexcel; r = fastexcel.read_excel({str(path)!r}); "
            f"t = r.load_sheet(0, header_row={header_row}).to_arrow(); print(t.num_rows)")
    return [PY, "-c", code]


def bench_xlsx(rows: int, repeat: int, shapes: list[int]) -> None:
    lines = []
    for k in shapes:
        shape = gen.SHAPES[k]
        t0 = time.perf_counter()
        path = gen.payroll_xlsx(OUT, rows, shape)
        want = gen.expected(path)
        print(f"input {k}: {path.name} ({path.stat().st_size / 2**20:.1f} MB; ready in {time.perf_counter() - t0:.0f} s)",
              flush=True)
        ours, (base,) = compare(TTCALC + ["budget", str(path), "--format", "json", "--quiet"],
                                [natural_load(path, want["header_row"])], repeat, want)
        lines.append(ratio(f"[{k}] {shape.name}, {rows:,} rows", ours, base, "fastexcel natural load", 1.0, 0.5))
    print_worst_last(f"budget on .xlsx vs fastexcel load_sheet(0, header_row=N).to_arrow(), median of {repeat}", lines)


def roster_xlsx(rows: int) -> Path:
    path = OUT / f"roster-{rows}.xlsx"
    if path.exists():
        return path
    from openpyxl import Workbook

    OUT.mkdir(exist_ok=True)
    wb = Workbook()
    ws = wb.active
    ws.append(["序号", "姓名", "身份证号", "调入本校时间", "最高学历", "专业技术职务", "岗位类别", "专职/兼职"])
    titles = ["高级教师", "一级教师", "小学高级教师", "正高级教师", "二级教师"]
    for i in range(rows):
        ws.append([i + 1, f"教师{i}", "", f"20{10 + i % 15}-09-01", "大学本科", titles[i % 5], "专任教师", "专职"])
    wb.save(path)
    return path


def bench_startup(repeat: int) -> None:
    print("== start-up")
    t, _ = measure([os.path.join(os.path.dirname(PY), "ttcalc"), "--help"], max(repeat, 5))
    print(f"  ttcalc --help {t:.3f} s (target < 0.3 s) {'ok' if t < 0.3 else 'OVER TARGET'}")
    roster = roster_xlsx(300)
    try:
        t, m = measure(TTCALC + ["staffing", str(roster), "--format", "json", "--quiet"], max(repeat, 3))
        print(f"  300-row roster end to end {t:.3f} s, {m:.0f} MB (target < 1.0 s) {'ok' if t < 1.0 else 'OVER TARGET'}")
    except SystemExit as exc:
        print(f"  300-row roster: not measured ({str(exc).splitlines()[-1]})")
    sys.stdout.flush()


def bench_folder(schools: int, rows: int, repeat: int) -> None:
    folder = gen.school_folder(OUT, schools, rows)
    want = gen.expected(folder)
    files = sorted(str(p) for p in folder.iterdir())
    code = ("import fastexcel, sys\nfor p in sys.argv[1:]:\n"
            "    fastexcel.read_excel(p).load_sheet(0, header_row=1).to_arrow()")
    ours, (base,) = compare(TTCALC + ["budget", str(folder), "--format", "json", "--quiet"],
                            [[PY, "-c", code, *files]], repeat, want)
    print_worst_last("folder", [ratio(f"budget on a folder of {schools} workbooks × {rows:,} rows", ours, base,
                                      "fastexcel natural load of each file in turn", 1.5, 2.0)])


def duckdb_sql(path: Path) -> list[str]:
    """DuckDB computing the same figures: the exact total (DECIMAL), distinct people and units,
    total rows left out.  A folder is its files as one data set (a glob)."""
    where = ""
    if path.is_dir() or path.suffix == ".csv":
        glob = str(path / "*.csv") if path.is_dir() else str(path)
        cols = "{" + ", ".join(f"'{c}': 'VARCHAR'" for c in gen.CSV_HEADER) + "}"  # no sniffing of each file
        src = (f"read_csv({glob!r}, skip=2, header=false, auto_detect=false, columns={cols}, null_padding=true)")
        total = "sum(CAST(\"应发合计\" AS DECIMAL(18,2)))"
        where = "WHERE \"序号\" IS DISTINCT FROM '合计'"
    else:
        src = f"read_parquet({str(path)!r})"
        total = "sum(\"应发合计\")"
    sql = f"SELECT {total}, count(DISTINCT \"身份证号\"), count(DISTINCT \"单位\") FROM {src} {where}"
    return [PY, "-c", f"import duckdb; print(duckdb.sql({sql!r}).fetchall())"]


def county_files(src: Path, parts: int) -> Path:
    """The big CSV cut into `parts` files (one per county), each with its title and header
    lines: a folder that ttcalc reads as one data set."""
    folder = src.with_name(f"{src.stem}-{parts}-files")
    if folder.is_dir() and len(list(folder.glob("*.csv"))) == parts:
        return folder
    folder.mkdir(exist_ok=True)
    with src.open("rb") as f:  # streamed: the bench process stays small (its peak is its children's start)
        head = [f.readline(), f.readline()]
        body = sum(1 for line in f if line.strip())
    step = -(-body // parts)
    with src.open("rb") as f:
        f.readline(), f.readline()
        rows = (line for line in f if line.strip())
        for k in range(parts):
            with (folder / f"county-{k + 1:03d}.csv").open("wb") as out:
                out.writelines(head)
                for _ in range(step):
                    line = next(rows, None)
                    if line is None:
                        break
                    out.write(line if line.endswith(b"\n") else line + b"\n")
    return folder


def generated(name: str, *args) -> Path:
    """gen.NAME(OUT, *args) in a child process: a child forked from a bench process that built
    a 5M-row table in memory starts with that process's peak, and ru_maxrss would charge it
    to ttcalc and the baseline alike (every province ratio read 1.00× memory)."""
    code = (f"import sys; sys.path.insert(0, {str(Path(__file__).resolve().parent)!r}); import gen; "
            f"from pathlib import Path; print(gen.{name}(Path({str(OUT)!r}), *{args!r}))")
    out = subprocess.run([PY, "-c", code], check=True, capture_output=True, text=True).stdout
    return Path(out.strip().splitlines()[-1])


def bench_province(repeat: int, sizes: list[int], fails: list[float], counties: int = 20) -> None:
    lines = []
    times: dict[str, list[tuple[int, float, float]]] = {}
    for rows in sizes:
        for fail in fails:
            csv_path = generated("big_csv", rows, fail)
            pq_path = generated("big_parquet", rows, fail)
            want = gen.expected(csv_path)
            bare_csv = [PY, "-c", f"import pyarrow.csv as c; c.read_csv({str(csv_path)!r}, "
                                  "read_options=c.ReadOptions(skip_rows=1), "
                                  "parse_options=c.ParseOptions(invalid_row_handler=lambda r: 'skip'))"]
            bare_pq = [PY, "-c", f"import pyarrow.parquet as q; q.read_table({str(pq_path)!r})"]
            cases = [("CSV", csv_path, bare_csv, "pyarrow.csv bare read"),
                     ("Parquet", pq_path, bare_pq, "pyarrow.parquet bare read")]
            if fail == 0.1 and counties > 1:
                cases.append((f"{counties} CSV files", county_files(csv_path, counties), None, ""))
            for kind, path, bare, bare_name in cases:
                ours, bases = compare(TTCALC + ["budget", str(path), "--format", "json", "--quiet"],
                                      [duckdb_sql(path)] + ([bare] if bare else []), repeat, want)
                name = f"{kind} {rows:,} rows, {int(fail * 100)}% bad IDs"
                lines.append(ratio(name, ours, bases[0], "DuckDB SQL aggregation", 1.5))
                print(f"  ({lines[-1][1]})", flush=True)
                if bare:
                    print(f"  ({ratio(name, ours, bases[1], bare_name)[1]})", flush=True)
                times.setdefault(f"{kind} {int(fail * 100)}%", []).append((rows, ours[0], ours[1]))
    print_worst_last("province scale: budget on CSV / Parquet vs DuckDB computing the same figures", lines)
    for key, runs in times.items():
        for (r0, t0, m0), (r1, t1, m1) in zip(runs, runs[1:]):  # each step: linear time is rows× time
            print(f"  scaling {key}: {r0:,}→{r1:,} rows ({r1 / r0:.0f}× rows): time {t1 / t0:.2f}×, "
                  f"peak memory {m0:.0f}→{m1:.0f} MB")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rows", type=int, default=300_000, help="person rows of each .xlsx shape")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--only", default="xlsx,startup", help="any of xlsx,startup,folder,province")
    ap.add_argument("--shapes", default=",".join(str(i) for i in range(len(gen.SHAPES))),
                    help="indexes into gen.SHAPES: " + "; ".join(f"{i}: {s.name}" for i, s in enumerate(gen.SHAPES)).replace("%", "%%"))
    ap.add_argument("--schools", default="200x5000", help="folder benchmark: SCHOOLSxROWS")
    ap.add_argument("--province-rows", default="1000000,5000000")
    ap.add_argument("--province-fail", default="0.1,0.9", help="shares of failing IDs (e.g. 0.1 for a 20M run)")
    args = ap.parse_args()
    parts = set(args.only.split(","))
    unknown = parts - {"xlsx", "budget", "startup", "folder", "province"}
    if unknown:
        ap.error(f"--only: unknown part {', '.join(sorted(unknown))}")
    if args.repeat < 3:
        print("note: --repeat below 3 gives a median of fewer than 3 runs")
    if parts & {"xlsx", "budget"}:
        bench_xlsx(args.rows, args.repeat, [int(i) for i in args.shapes.split(",")])
    if "startup" in parts:
        bench_startup(args.repeat)
    if "folder" in parts:
        schools, rows = (int(x) for x in args.schools.split("x"))
        bench_folder(schools, rows, args.repeat)
    if "province" in parts:
        bench_province(args.repeat, [int(x) for x in args.province_rows.split(",")],
                       [float(x) for x in args.province_fail.split(",")])


if __name__ == "__main__":
    main()
