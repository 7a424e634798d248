"""Benchmarks (not tests): ttcalc against fastexcel's bare load of the same data, same run.

    python bench/bench.py                  # budget on 1,000,000 rows + start-up
    python bench/bench.py --rows 200000    # a quicker look
    python bench/bench.py --only startup
    python bench/bench.py --only folder,province   # issue 7: 200 workbooks; CSV/Parquet 1M and 5M

Each measurement is a fresh process; time is the median of --repeat runs (wall clock), peak
memory is the child's max RSS (os.wait4).  Inputs are generated into bench/out/ (not committed).
Targets (spec §8): budget ≤ 1.3× time and ≤ 1.5× peak memory of the bare load; `ttcalc --help`
under 0.3 s; a 300-row roster end to end under 1.5 s.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

OUT = Path(__file__).resolve().parent / "out"
PY = sys.executable
TTCALC = [PY, "-m", "ttcalc"]


def _once(cmd: list[str]) -> tuple[float, float]:
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    err = proc.stderr.read().decode() if proc.stderr else ""
    _, status, usage = os.wait4(proc.pid, 0)
    if os.waitstatus_to_exitcode(status) not in (0, 1):
        raise SystemExit(f"failed: {' '.join(cmd)}\n{err}")
    return time.perf_counter() - start, usage.ru_maxrss / 1024


def measure(cmd: list[str], repeat: int) -> tuple[float, float]:
    """(median seconds, max peak RSS in MB) of running cmd `repeat` times."""
    runs = [_once(cmd) for _ in range(repeat)]
    return statistics.median(t for t, _ in runs), max(m for _, m in runs)


def compare(ours: list[str], base: list[str], repeat: int) -> tuple[float, float, float, float]:
    """Runs ours and the baseline alternately (this machine's speed drifts), and returns
    (our median time, our peak MB, baseline median time, baseline peak MB)."""
    a, b = [], []
    for _ in range(repeat):
        b.append(_once(base))
        a.append(_once(ours))
    return (statistics.median(t for t, _ in a), max(m for _, m in a),
            statistics.median(t for t, _ in b), max(m for _, m in b))


def payroll_xlsx(rows: int) -> Path:
    """A realistic payroll: a title line, a two-row merged header, 16 columns, a total row."""
    path = OUT / f"payroll-{rows}.xlsx"
    if path.exists():
        return path
    import xlsxwriter

    from ttcalc.cells.idcard import check_char

    OUT.mkdir(exist_ok=True)
    tmp = path.with_suffix(".tmp.xlsx")
    wb = xlsxwriter.Workbook(str(tmp), {"constant_memory": True})
    ws = wb.add_worksheet("工资表")
    ws.write(0, 0, f"2025年全市教职工工资发放表（{rows}行）")
    top = ["序号", "单位", "姓名", "身份证号", "工资项目", "", "", "", "", "应发合计", "代扣项目", "", "", "", "", "实发工资"]
    sub = ["", "", "", "", "岗位工资", "薪级工资", "基础性绩效", "奖励性绩效", "津贴补贴", "", "公积金", "养老保险",
           "职业年金", "医保", "个税", ""]
    ws.write_row(1, 0, top)
    ws.write_row(2, 0, sub)
    for i in range(rows):
        base = 1800 + (i * 37) % 2400 + ((i * 13) % 100) / 100
        parts = [round(base * 0.32, 2), round(base * 0.18, 2), round(base * 0.28, 2), round(base * 0.07, 2), 386.0]
        gross = round(sum(parts), 2)
        ded = [round(gross * x, 2) for x in (0.12, 0.08, 0.04, 0.02, 0.015)]
        ws.write_row(3 + i, 0, [i + 1, f"第{i % 400 + 1}学校", f"教师{i}", _id(f"35{i // 1000 % 10000:04d}19{80 + i % 20:02d}0101{i % 1000:03d}", check_char),
                                *parts, gross, *ded, round(gross - sum(ded), 2)])
    ws.write_row(3 + rows, 0, ["合计", "", "", "", "", "", "", "", "", 0])
    wb.close()
    tmp.rename(path)
    return path


def _id(body: str, check_char) -> str:
    return body + check_char(body)


def bare_load(path: Path) -> list[str]:
    code = (f"import fastexcel; r = fastexcel.read_excel({str(path)!r}); "
            "t = r.load_sheet(0, header_row=None).to_arrow(); print(t.num_rows)")
    return [PY, "-c", code]


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


def ratio_line(name: str, t: float, m: float, bt: float, bm: float, tmax: float | None = None,
               mmax: float | None = None, base: str = "fastexcel bare load") -> str:
    line = (f"{name}: ttcalc {t:.2f} s / {m:.0f} MB; {base} {bt:.2f} s / {bm:.0f} MB; "
            f"ratio time {t / bt:.2f}×, memory {m / bm:.2f}×")
    if tmax is None:
        return line + " (reported; spec §8 sets no target here)"
    ok = "ok" if t / bt <= tmax and m / bm <= mmax else "OVER TARGET"
    return line + f" (targets ≤ {tmax}× time, ≤ {mmax}× memory) — {ok}"


def bench_budget(rows: int, repeat: int) -> None:
    t0 = time.perf_counter()
    path = payroll_xlsx(rows)
    print(f"input: {path.name} ({path.stat().st_size / 2**20:.1f} MB; generated/cached in {time.perf_counter() - t0:.0f} s)")
    t, m, bt, bm = compare(TTCALC + ["budget", str(path), "--format", "json", "--quiet"], bare_load(path), repeat)
    print(ratio_line(f"budget {rows:,} rows", t, m, bt, bm, 1.3, 1.5))


def bench_startup(repeat: int) -> None:
    t, _ = measure([os.path.join(os.path.dirname(PY), "ttcalc"), "--help"], max(repeat, 5))
    print(f"startup: ttcalc --help {t:.3f} s (target < 0.3 s)")
    roster = roster_xlsx(300)
    try:
        t, m = measure(TTCALC + ["staffing", str(roster), "--format", "json", "--quiet"], max(repeat, 3))
        print(f"startup: 300-row roster end to end {t:.3f} s, {m:.0f} MB (target < 1.5 s)")
    except SystemExit as exc:
        print(f"startup: 300-row roster: not measured ({str(exc).splitlines()[-1]})")


def school_folder(schools: int, rows: int) -> Path:
    """A city payroll: one workbook per school."""
    folder = OUT / f"schools-{schools}x{rows}"
    if folder.exists():
        return folder
    import xlsxwriter

    from ttcalc.cells.idcard import check_char

    tmp = folder.with_name(folder.name + ".tmp")
    tmp.mkdir(parents=True, exist_ok=True)
    for s in range(schools):
        wb = xlsxwriter.Workbook(str(tmp / f"school-{s:03d}.xlsx"), {"constant_memory": True})
        ws = wb.add_worksheet("工资表")
        ws.write(0, 0, f"第{s + 1}学校 2025年工资发放表")
        ws.write_row(1, 0, ["序号", "姓名", "身份证号", "岗位工资", "薪级工资", "绩效工资", "应发合计", "实发合计"])
        for i in range(rows):
            g = 4000 + (i * 7 + s) % 3000 + (i % 100) / 100
            ws.write_row(2 + i, 0, [i + 1, f"教师{s}-{i}", _id(f"35{s % 100:02d}{i // 1000:02d}1985{s % 12 + 1:02d}01{i % 1000:03d}", check_char),
                                    round(g * 0.4, 2), round(g * 0.2, 2), round(g - round(g * 0.4, 2) - round(g * 0.2, 2), 2),
                                    g, round(g * 0.8, 2)])
        ws.write_row(2 + rows, 0, ["合计"])
        wb.close()
    tmp.rename(folder)
    return folder


def big_csv(rows: int) -> Path:
    path = OUT / f"payroll-{rows}.csv"
    if path.exists():
        return path
    import csv

    from ttcalc.cells.idcard import check_char

    OUT.mkdir(exist_ok=True)
    tmp = path.with_suffix(".tmp")
    with tmp.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow([f"全省教职工工资（{rows}行）"])
        w.writerow(["序号", "单位", "姓名", "身份证号", "岗位工资", "薪级工资", "绩效工资", "津贴补贴", "应发合计",
                    "公积金", "养老保险", "医保", "个税", "实发合计"])
        for i in range(rows):
            g = 4000 + (i * 7) % 3000 + (i % 100) / 100
            a, b, d = round(g * 0.4, 2), round(g * 0.2, 2), 386
            c = round(g - a - b - d, 2)
            w.writerow([i + 1, f"第{i % 9000}学校", f"教师{i}", _id(f"35{i // 1000 % 10000:04d}1985{i % 12 + 1:02d}01{i % 1000:03d}", check_char),
                        a, b, c, d, f"{g:.2f}", round(g * 0.12, 2), round(g * 0.08, 2), round(g * 0.02, 2), 15.5,
                        round(g * 0.78 - 15.5, 2)])
        w.writerow(["合计"])
    tmp.rename(path)
    return path


def big_parquet(rows: int) -> Path:
    path = OUT / f"payroll-{rows}.parquet"
    if path.exists():
        return path
    import pyarrow.csv as pacsv
    import pyarrow.parquet as pq

    table = pacsv.read_csv(big_csv(rows), read_options=pacsv.ReadOptions(skip_rows=1),  # no total row
                           parse_options=pacsv.ParseOptions(invalid_row_handler=lambda row: "skip"))
    pq.write_table(table, path)
    return path


def bench_folder(schools: int, rows: int, repeat: int) -> None:
    folder = school_folder(schools, rows)
    files = sorted(str(p) for p in folder.iterdir())
    code = ("import fastexcel, sys\nfor p in sys.argv[1:]:\n"
            "    fastexcel.read_excel(p).load_sheet(0, header_row=None).to_arrow()")
    t, m, bt, bm = compare(TTCALC + ["budget", str(folder), "--format", "json", "--quiet"],
                           [PY, "-c", code, *files], repeat)
    print(ratio_line(f"budget on a folder of {schools} workbooks × {rows:,} rows", t, m, bt, bm,
                     base="fastexcel bare load of each file in turn"))


def bench_province(repeat: int, sizes: list[int]) -> None:
    for rows in sizes:
        csv_path, pq_path = big_csv(rows), big_parquet(rows)
        base_csv = [PY, "-c", f"import pyarrow.csv as c; c.read_csv({str(csv_path)!r}, "
                              "read_options=c.ReadOptions(skip_rows=1), "
                              "parse_options=c.ParseOptions(invalid_row_handler=lambda r: 'skip'))"]
        t, m, bt, bm = compare(TTCALC + ["budget", str(csv_path), "--format", "json", "--quiet"], base_csv, repeat)
        print(ratio_line(f"budget CSV {rows:,} rows", t, m, bt, bm, base="pyarrow.csv bare read"))
        base_pq = [PY, "-c", f"import pyarrow.parquet as q; q.read_table({str(pq_path)!r})"]
        t, m, bt, bm = compare(TTCALC + ["budget", str(pq_path), "--format", "json", "--quiet"], base_pq, repeat)
        print(ratio_line(f"budget Parquet {rows:,} rows", t, m, bt, bm, base="pyarrow.parquet bare read"))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--only", default="budget,startup")
    args = ap.parse_args()
    parts = set(args.only.split(","))
    if "budget" in parts:
        bench_budget(args.rows, args.repeat)
    if "startup" in parts:
        bench_startup(args.repeat)
    if "folder" in parts:
        bench_folder(200, 5000, args.repeat)
    if "province" in parts:
        bench_province(args.repeat, [1_000_000, 5_000_000])


if __name__ == "__main__":
    main()
