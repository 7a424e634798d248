"""CSV and Parquet as grids: the encoding detected (UTF-8 with or without BOM, GBK/GB18030,
UTF-16), the separator sniffed, big files read columnar (`read.bigfiles`)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from ttcalc.core.errors import InputError
from ttcalc.core.msg import msg
from ttcalc.read import limits


def decode(data: bytes) -> tuple[str, str]:
    """Decode CSV bytes: UTF-16 with a BOM (Excel's "Unicode text"), UTF-8 (with or without
    BOM), else GB18030 (a superset of GBK)."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace"), "utf-16"
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    from charset_normalizer import from_bytes

    best = from_bytes(data[:200_000]).best()
    if best is None:
        raise ValueError("unknown text encoding")
    return data.decode(best.encoding, errors="replace"), best.encoding


_SNIFF_CHARS = 8192  # csv.Sniffer is quadratic in places: a bounded sample keeps it fast


_MAX_COLUMNS = 16_384  # as many as an .xlsx sheet holds


def read_parquet(path: Path, data: bytes | None = None):
    from ttcalc.read.bigfiles import parquet_table

    try:
        if data is None:
            data = limits.read_input(path, limits.current().unzipped)
        if data[:4] != b"PAR1":
            raise InputError(msg("read.text.not_parquet", file=str(path)))
        return parquet_table(path, data)
    except InputError:
        raise
    except Exception as exc:  # pyarrow says why: truncated footer, unknown codec …
        raise InputError(msg("read.text.parquet_unreadable", file=str(path),
                             why=(str(exc).splitlines() or [""])[0][:160])) from None


def decode_head(head: bytes):
    """(text, encoding) of the first bytes of a big text file, or None when no encoding reads
    them.  The head is judged on its whole lines: a character cut in two at its end would fail
    UTF-8 and could read as GB18030 (mojibake taken for the file's encoding); without a line
    end, up to three last bytes are dropped."""
    end = head.rfind(b"\n")
    if end > 0 and not head.startswith((b"\xff\xfe", b"\xfe\xff")):  # (UTF-16's line end is two bytes)
        head = head[:end + 1]
    for cut in range(4):
        try:
            return decode(head[: len(head) - cut])
        except (ValueError, LookupError):
            continue
    return None


def _big_csv(path: Path, data: bytes):
    """A CSV too big for the csv module: encoding and dialect from its first 256 KB, the rest
    read columnar (bigfiles)."""
    from ttcalc.read.bigfiles import csv_table

    head = data[:256 * 1024]
    decoded = decode_head(head)
    if decoded is None:
        raise InputError(msg("read.text.csv_encoding", file=str(path)))
    text, encoding = decoded
    encoding = "utf-8" if encoding == "utf-8-sig" and not head.startswith(b"\xef\xbb\xbf") else encoding
    try:
        dialect = csv.Sniffer().sniff(text[:_SNIFF_CHARS], delimiters=",\t;|")
    except csv.Error:
        dialect = csv.excel
    try:
        return csv_table(path, encoding, dialect, data)
    except Exception as exc:  # pyarrow's parse errors name the line
        raise InputError(msg("read.text.csv_unreadable", file=str(path),
                             why=(str(exc).splitlines() or [""])[0][:160])) from None


def read_csv(path: Path, data: bytes | None = None):
    """A text table from its bytes (read once by limits.read_input: the size cap is checked on
    the bytes read, not on a size looked up before)."""
    import pyarrow as pa

    from ttcalc.read.bigfiles import BIG_CSV_BYTES

    if data is None:
        data = limits.read_input(path, limits.current().csv, True)
    if len(data) > BIG_CSV_BYTES:
        return _big_csv(path, data)
    columns = csv_columns(path, data)
    return pa.table({f"c{i}": pa.array(col, pa.string()) for i, col in enumerate(columns)})


def csv_columns(path: Path, data: bytes) -> list[list]:
    """The columns of a small text table (read_csv without pyarrow: a file's first lines are
    looked at before anything else is imported)."""
    if not data.startswith((b"\xff\xfe", b"\xfe\xff")) and b"\x00" in data[:4096]:
        raise InputError(msg("read.text.binary", file=str(path)))
    try:
        text, _encoding = decode(data)
    except (ValueError, LookupError):
        raise InputError(msg("read.text.csv_encoding", file=str(path))) from None
    del data
    if "\x00" in text:
        text = text.replace("\x00", "")
    sample = text[:_SNIFF_CHARS]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",\t;|")
    except csv.Error:
        dialect = csv.excel
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), dialect))
    except csv.Error as exc:
        raise InputError(msg("read.text.csv_unreadable", file=str(path),
                             why=(str(exc).splitlines() or [""])[0][:120])) from None
    del text
    width = max((len(r) for r in rows), default=0)
    if width > _MAX_COLUMNS:
        raise InputError(msg("read.text.too_many_fields", file=str(path), width=f"{width:,}",
                             limit=f"{_MAX_COLUMNS:,}"))
    limits.check_cells(path, path.stem, len(rows), width)
    return [[(r[i] if i < len(r) and r[i] != "" else None) for r in rows] for i in range(width)]

