"""Spec §9, nothing hangs: every bomb is refused within a memory limit and a timeout — run in
a child process under resource.setrlimit(RLIMIT_AS) so a failure cannot take pytest down."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
import zipfile
from pathlib import Path

import pytest

GB = 1 << 30


def ttcalc(*args, memory: int = 2 * GB, timeout: float = 120, env: dict | None = None):
    def limit():
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))

    started = time.monotonic()
    done = subprocess.run([sys.executable, "-m", "ttcalc", *map(str, args)], capture_output=True, text=True,
                          timeout=timeout, env=dict(os.environ, **(env or {})), preexec_fn=limit)
    done.seconds = time.monotonic() - started
    return done


def _payroll_xlsx(path: Path) -> Path:
    from conftest import make_xlsx

    return make_xlsx(path, {"工资": [["姓名", "应发合计"], ["甲", "100"], ["乙", "200"]]})


def _with_member(src: Path, dst: Path, name: str, write) -> Path:
    """`src` copied to `dst` with member `name` replaced by what write(fh) streams into it."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zout:
        for info in zin.infolist():
            if info.filename != name:
                zout.writestr(info, zin.read(info))
        with zout.open(name, "w", force_zip64=True) as fh:
            write(fh)
    return dst


def _strings(total: int):
    def write(fh):
        fh.write(b'<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">')
        block = (b"<si><t>" + b"x" * 1000 + b"</t></si>") * 1024
        for _ in range(total // len(block)):
            fh.write(block)
        fh.write(b"</sst>")
    return write


def test_shared_strings_bomb_is_refused(tmp_path):
    bomb = _with_member(_payroll_xlsx(tmp_path / "p.xlsx"), tmp_path / "bomb.xlsx", "xl/sharedStrings.xml",
                        _strings(600 << 20))  # 600 MB of text in a few MB of file
    assert bomb.stat().st_size < 20 << 20
    r = ttcalc("budget", bomb, memory=2 * GB, timeout=120)
    assert r.returncode == 2 and "sharedStrings" in r.stderr and "TTCALC_MAX_STRINGS_MB" in r.stderr, r.stderr
    assert r.seconds < 60


def test_shared_strings_cap_counts_the_bytes_unpacked(tmp_path):
    from ttcalc.core.errors import InputError
    from ttcalc.read import limits

    bomb = _with_member(_payroll_xlsx(tmp_path / "p.xlsx"), tmp_path / "bomb.xlsx", "xl/sharedStrings.xml",
                        _strings(20 << 20))
    with zipfile.ZipFile(bomb) as zf:
        zf.getinfo("xl/sharedStrings.xml").file_size = 100  # a directory that under-states the size
        with pytest.raises(InputError, match="more than 8 MB"):
            limits.check_shared_strings(bomb, zf, limits.Limits(0, 0, 0, 0, 0, strings=8 << 20))


def _ods(path: Path, rows: int, cols: int) -> Path:
    content = ('<?xml version="1.0" encoding="UTF-8"?>'
               '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
               'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
               'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
               '<office:body><office:spreadsheet><table:table table:name="工资">'
               '<table:table-row><table:table-cell office:value-type="string"><text:p>姓名</text:p></table:table-cell>'
               '<table:table-cell office:value-type="string"><text:p>应发合计</text:p></table:table-cell></table:table-row>'
               f'<table:table-row table:number-rows-repeated="{rows}">'
               f'<table:table-cell table:number-columns-repeated="{cols}" office:value-type="float" office:value="1">'
               '<text:p>1</text:p></table:table-cell></table:table-row>'
               '</table:table></office:spreadsheet></office:body></office:document-content>')
    manifest = ('<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
                'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
                '<manifest:file-entry manifest:full-path="/" '
                'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
                '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
                '</manifest:manifest>')
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        z.writestr("META-INF/manifest.xml", manifest)
        z.writestr("content.xml", content)
    return path


def test_ods_repeat_bomb_is_refused(tmp_path):
    bomb = _ods(tmp_path / "bomb.ods", 1_048_575, 16_384)
    assert bomb.stat().st_size < 2000
    r = ttcalc("budget", bomb, "--lang", "en", memory=GB, timeout=60)
    assert r.returncode == 2 and "bomb.ods" in r.stderr and "repeats" in r.stderr, r.stderr
    assert r.seconds < 30


def test_ods_with_small_repeats_is_read(tmp_path, run):
    data = run("budget", _ods(tmp_path / "ok.ods", 3, 2), "--format", "json").json()
    assert data["figures"]["payroll_rows"] == 3


def test_parquet_row_count_is_held_to_the_cap_from_its_metadata(tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    n = 60_000_000
    path = tmp_path / "big.parquet"
    pq.write_table(pa.table({"姓名": pa.nulls(n, pa.string()), "应发合计": pa.nulls(n, pa.int8())}), path)
    assert path.stat().st_size < 20 << 20
    r = ttcalc("budget", path, "--lang", "en", memory=GB, timeout=60)
    assert r.returncode == 2 and "metadata" in r.stderr, r.stderr
    assert r.seconds < 30


def _many_sheets(path: Path, n: int) -> Path:
    ns = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
    rel = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
    sheets = "".join(f'<sheet name="s{i}" sheetId="{i + 1}" r:id="rId{i + 1}"/>' for i in range(n))
    rels = "".join(f'<Relationship Id="rId{i + 1}" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                   f'relationships/worksheet" Target="worksheets/sheet{i + 1}.xml"/>' for i in range(n))
    ct = ('<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
          '<Default Extension="xml" ContentType="application/xml"/><Default Extension="rels" '
          'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
          '<Override PartName="/xl/workbook.xml" '
          'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
          + "".join(f'<Override PartName="/xl/worksheets/sheet{i + 1}.xml" ContentType="application/'
                    'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>' for i in range(n)) + "</Types>")
    sheet = (f'<?xml version="1.0"?><worksheet {ns}><dimension ref="A1:B2"/><sheetData>'
             '<row r="1"><c r="A1" t="inlineStr"><is><t>姓名</t></is></c><c r="B1" t="inlineStr"><is><t>应发合计</t>'
             '</is></c></row><row r="2"><c r="A2" t="inlineStr"><is><t>甲</t></is></c><c r="B2"><v>1</v></c></row>'
             '</sheetData></worksheet>')
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", ct)
        z.writestr("_rels/.rels", '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/'
                   'package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
                   'officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>')
        z.writestr("xl/workbook.xml", f'<?xml version="1.0"?><workbook {ns} {rel}><sheets>{sheets}</sheets></workbook>')
        z.writestr("xl/_rels/workbook.xml.rels", '<?xml version="1.0"?><Relationships xmlns="http://schemas.'
                   f'openxmlformats.org/package/2006/relationships">{rels}</Relationships>')
        for i in range(n):
            z.writestr(f"xl/worksheets/sheet{i + 1}.xml", sheet)
    return path


def test_five_thousand_sheets_are_refused_quickly(tmp_path):
    r = ttcalc("budget", _many_sheets(tmp_path / "many.xlsx", 5000), "--lang", "en", memory=2 * GB, timeout=60)
    assert r.returncode == 2 and "5,000 sheets" in r.stderr and "TTCALC_MAX_SHEETS" in r.stderr, r.stderr
    assert r.seconds < 30


def test_many_sheets_stay_linear(tmp_path):
    times = []
    for n in (200, 800):
        r = ttcalc("budget", _many_sheets(tmp_path / f"m{n}.xlsx", n), "--format", "json", "-q", timeout=300)
        assert r.returncode in (0, 1), r.stderr
        times.append(r.seconds)
    assert times[1] < 4 * times[0] * 1.6 + 2, times  # 4x the sheets: about 4x the time, not 16x


def test_parallel_reads_share_one_cell_budget(monkeypatch):
    from ttcalc.read import limits

    monkeypatch.setenv("TTCALC_MAX_CELLS", "1000")
    peak, now, lock = [0], [0], threading.Lock()

    def load(cells):
        with limits.allocation(Path("f.xlsx"), "s", cells):
            with lock:
                now[0] += cells
                peak[0] = max(peak[0], now[0])
            time.sleep(0.05)
            with lock:
                now[0] -= cells

    threads = [threading.Thread(target=load, args=(900,)) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=10)
    assert peak[0] == 900  # one at a time: together they would be 3,600 cells


def test_parallel_big_files_within_a_memory_limit(tmp_path):
    import shutil

    folder = tmp_path / "many"
    folder.mkdir()
    line = "".join(f"校{i % 7},人{i},{3000 + i % 89}.25\n" for i in range(200_000))
    for k in range(4):
        (folder / f"p{k}.csv").write_text("单位,姓名,应发合计\n" + line, encoding="utf-8")
    r = ttcalc("budget", folder, "--format", "json", "-q", memory=3 * GB, timeout=300)
    assert r.returncode in (0, 1), r.stderr
    shutil.rmtree(folder)


@pytest.mark.parametrize("special", ["fifo", "/dev/zero", "/dev/urandom"])
def test_special_files_are_refused_before_reading(tmp_path, special):
    path = tmp_path / "p.csv"
    if special == "fifo":
        os.mkfifo(path)
    else:
        path.symlink_to(special)
    r = ttcalc("budget", path, "--lang", "en", memory=GB, timeout=30)
    assert r.returncode == 2 and "not a regular file" in r.stderr, r.stderr


def test_a_file_is_read_once_and_capped_on_the_bytes_read(tmp_path, monkeypatch):
    """The caps see the bytes the parser sees: the file is read through one handle, once."""
    from ttcalc.read import files, limits

    path = tmp_path / "p.csv"
    path.write_text("姓名,应发合计\n甲,1\n", encoding="utf-8")
    opened = []
    real = os.open
    monkeypatch.setattr(os, "open", lambda p, *a, **k: opened.append(str(p)) or real(p, *a, **k))
    grids = list(files.sheets(path))
    assert grids and opened.count(str(path)) <= 2  # the stat-and-refuse open, then the one read
    monkeypatch.setenv("TTCALC_MAX_CSV_MB", "0")
    assert limits.read_input(path, 5, text=True) if False else True
    from ttcalc.core.errors import InputError

    with pytest.raises(InputError, match="limit 5 bytes"):
        limits.read_input(path, 5, text=True)


def test_memory_exhaustion_is_exit_2_with_a_message(tmp_path):
    path = tmp_path / "p.csv"
    path.write_text("单位,姓名,应发合计\n" + "".join(f"校{i % 7},人{i},{3000 + i % 89}.25\n"
                                                  for i in range(1_500_000)), encoding="utf-8")
    r = ttcalc("budget", path, "-q", "--lang", "en", memory=int(0.9 * GB), timeout=300)
    assert r.returncode == 2 and "memory" in r.stderr, (r.returncode, r.stderr[-500:])


def test_policy_value_with_a_huge_exponent_is_refused_at_once(tmp_path):
    from conftest import REPO

    text = (REPO / "src/ttcalc/policy/profiles/quangang-2022.toml").read_text(encoding="utf-8")
    bad = tmp_path / "p.toml"
    text = text.replace('id = "quangang-2022"', 'id = "my-2022"', 1)
    bad.write_text(text.replace('value = "0.015"', 'value = "1E-999999999"', 1), encoding="utf-8")
    r = ttcalc("budget", REPO / "data/samples/payroll.xlsx", "--policy", bad, "--lang", "en", memory=GB, timeout=30)
    assert r.returncode == 2 and "30 digits" in r.stderr, r.stderr
