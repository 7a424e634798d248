"""Which files to read and how: folders and globs expanded, each file's format judged from its
bytes (not its name) and foreign ones refused in a clerk's words, then its sheets handed out
as grids of text (`sheets`).  Files are only ever opened for reading."""

from __future__ import annotations

import logging
import os
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path

from ttcalc.core.errors import InputError
from ttcalc.core.msg import msg
from ttcalc.read import limits
from ttcalc.read.excel import excel_grids
from ttcalc.read.grid import (
    COLUMNAR,
    EXCEL,
    OLE_MAGIC,
    SUPPORTED,
    TEXT,
    ZIP_EMPTY_MAGIC,
    ZIP_MAGIC,
    Grid,
)
from ttcalc.read.textfiles import read_csv, read_parquet

# a file format ttcalc does not read, by its name's ending: the message (read.foreign.*) says what to do
_FOREIGN = {
    ".et": "et",
    ".ett": "ett",
    ".numbers": "numbers",
    ".fods": "fods",
    ".xml": "xml",
    ".htm": "html",
    ".html": "html",
    ".mht": "mht",
    ".slk": "slk",
    ".dif": "dif",
    ".wk1": "wk1",
    ".wks": "wks",
    ".doc": "word",
    ".docx": "word",
    ".pdf": "pdf",
}


def _foreign(path: Path, kind: str) -> InputError:
    return InputError(msg("read.file.foreign", file=str(path), what=msg(f"read.foreign.{kind}")))


def expand(paths: list[str]) -> list[Path]:
    """Files named on the command line; a folder stands for the spreadsheets in it."""
    return expand_all(paths)[0]


def expand_all(paths: list[str]) -> tuple[list[Path], list[tuple[Path, object]], set[Path]]:
    """(files to read, [(file left out of a folder, why)], the files found in folders).  In a
    folder, lock files (~$…, .~lock…) and files that are no workbook (.docx, .pdf, …) are
    left out with their reason; the run goes on."""
    out: list[Path] = []
    skipped: list[tuple[Path, object]] = []
    in_folder: set[Path] = set()
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            found = []
            for q in sorted(p.rglob("*")):
                if not q.is_file() or any(part.startswith(".") and part not in (".", "..")
                                          for part in q.relative_to(p).parts[:-1]):
                    continue
                if q.name.startswith(("~$", ".~")):
                    skipped.append((q, msg("read.skip.lock_file")))
                elif q.suffix.lower() in SUPPORTED | _SYSTEM_EXPORTS:
                    found.append(q)
                elif not q.name.startswith("."):
                    skipped.append((q, msg("read.skip.not_workbook", ext=q.suffix.lower() or "—")))
            if not found:
                raise InputError(msg("read.file.empty_folder", file=str(p), kinds=".xlsx, .xls, .ods, .csv"))
            out.extend(found)
            in_folder.update(found)
        elif any(ch in raw for ch in "*?[") and not p.exists():
            found = sorted(Path().glob(raw)) if not p.is_absolute() else sorted(Path("/").glob(raw.lstrip("/")))
            if not found:
                raise InputError(msg("read.file.no_match", file=str(raw)))
            out.extend(q for q in found if q.is_file())
        else:
            out.append(p)
    return out, skipped, in_folder


_SYSTEM_EXPORTS = {".xml"}  # SpreadsheetML, read when its content says so


def shown(path: Path) -> Path:
    """A file name as it can be shown and written out: a name in GBK bytes (a folder copied from
    Windows) arrives with undecodable bytes as surrogates, which no output can encode — it is
    decoded as GB18030 instead (the bytes already read, the name is only a label now)."""
    text = str(path)
    if not any("\udc80" <= ch <= "\udcff" for ch in text):
        return path
    raw = os.fsencode(text)
    for encoding in ("gb18030", "big5", "latin-1"):
        try:
            return Path(raw.decode(encoding))
        except UnicodeDecodeError:
            continue
    return Path(raw.decode("utf-8", errors="replace"))


def sniff(path: Path, data: bytes | None = None) -> str:
    """Decide how to read a file ('excel', 'csv') from its bytes (`data`, read once by
    `limits.read_input`; the file itself when not given), or raise InputError naming the reason."""
    if data is None:
        limits.regular_file(path)  # a FIFO or a device is refused before it is opened for reading
    name, ext = path.name, path.suffix.lower()
    if name.startswith("~$") or name.startswith(".~lock."):
        raise InputError(msg("read.file.lock_file", file=str(path)))
    if ext in _FOREIGN and ext not in (".xml", ".et", ".ett"):
        raise _foreign(path, _FOREIGN[ext])
    if data is None:
        try:
            with path.open("rb") as fh:
                head = fh.read(4096)
        except OSError as exc:
            raise InputError(msg("read.file.cannot_read", file=str(path), why=limits.os_why(exc))) from None
    else:
        head = data[:4096]
    if not head:
        raise InputError(msg("read.file.empty_file", file=str(path)))
    if ext in (".et", ".ett") and not head.startswith(OLE_MAGIC):
        raise _foreign(path, _FOREIGN[ext])  # a WPS format without a BIFF workbook inside
    if head.startswith(OLE_MAGIC):
        if _encrypted_ole(path, data):
            raise InputError(msg("read.file.password", file=str(path)))
        return "excel"
    if head.startswith(ZIP_MAGIC) or head.startswith(ZIP_EMPTY_MAGIC):
        _check_zip(path, data)
        return "excel"
    if ext in EXCEL or ext == ".xml":
        return _text_in_excel_name(path, head)
    if ext in TEXT or ext == "":
        return "csv"
    raise InputError(msg("read.file.not_spreadsheet", file=str(path), kinds=".xlsx, .xlsm, .xls, .ods, .csv"))


def _text_in_excel_name(path: Path, head: bytes) -> str:
    """A file named .xls/.xlsx that is not a workbook inside: other systems often export a web
    page, an Excel 2003 XML file or tab-separated text under an .xls name."""
    text = _head_text(head)
    if text is None:
        if head.startswith(b"\x00\x00\x02\x00") or (head[:2] in (b"\x09\x00", b"\x09\x02", b"\x09\x04", b"\x09\x08")
                                                     and 4 <= int.from_bytes(head[2:4], "little") <= 20):
            raise InputError(msg("read.file.very_old", file=str(path)))
        raise InputError(msg("read.file.not_workbook_content", file=str(path)))
    low = text.lstrip().lower()
    if low.startswith(("<html", "<!doctype html", "<table", "<head", "<meta", "<body")) or "<html" in low[:1000]:
        return "html"  # a payroll system's web-page export under an .xls name
    if "urn:schemas-microsoft-com:office:spreadsheet" in low:
        return "xml2003"  # Excel 2003 XML (SpreadsheetML)
    if low.startswith("<?xml"):
        raise InputError(msg("read.file.other_xml", file=str(path)))
    if low.startswith(("mime-version", "content-type")):
        raise InputError(msg("read.file.mht_as_excel", file=str(path)))
    if low.startswith(("id;p", "table\r\n0,1", "table\n0,1")):
        raise InputError(msg("read.file.sylk_as_excel", file=str(path)))
    lines = text.splitlines()
    first = lines[0] if lines else ""
    if path.suffix.lower() == ".xls" and len(lines) > 1 and ("\t" in first or first.count(",") >= 2):
        return "csv"  # tab- or comma-separated text that a payroll system exported as ".xls": read it as such
    raise InputError(msg("read.file.plain_text", file=str(path)))


def _head_text(head: bytes) -> str | None:
    """The first bytes as text, or None when they are binary."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return head[: len(head) // 2 * 2].decode("utf-16", errors="replace")
        except UnicodeError:
            return None
    if b"\x00" in head:
        return None
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return head.decode(encoding)
        except UnicodeDecodeError as exc:
            if exc.start >= len(head) - 4:  # cut in the middle of a character
                return head[:exc.start].decode(encoding, errors="replace")
    return None


def _encrypted_ole(path: Path, data: bytes | None = None) -> bool:
    import io

    try:
        import msoffcrypto

        with (io.BytesIO(data) if data is not None else path.open("rb")) as fh:
            return bool(msoffcrypto.OfficeFile(fh).is_encrypted())
    except Exception:  # not an Office file msoffcrypto knows: let the reader judge it
        return False


def _check_zip(path: Path, data: bytes | None = None) -> None:
    import io

    limits.check_members(path, data)
    try:
        with zipfile.ZipFile(io.BytesIO(data) if data is not None else path) as zf:
            limits.check_zip(path, zf)  # from the directory alone, before anything is unpacked
            names = set(zf.namelist())
            if any(i.flag_bits & 0x1 for i in zf.infolist()):  # a part flagged encrypted
                raise InputError(msg("read.file.part_encrypted", file=str(path)))
            limits.check_shared_strings(path, zf)
            if "META-INF/manifest.xml" in names and \
                    b"encryption-data" in limits.read_member(path, zf, "META-INF/manifest.xml"):
                raise InputError(msg("read.file.ods_password", file=str(path)))
            if "EncryptedPackage" in names:
                raise InputError(msg("read.file.encrypted_package", file=str(path)))
            if "word/document.xml" in names:
                raise _foreign(path, "word")
            if not any(n.startswith("xl/") or n in ("content.xml", "[Content_Types].xml") for n in names):
                if "word/document.xml" in names:
                    raise _foreign(path, "word")
                if "ppt/presentation.xml" in names:
                    raise _foreign(path, "powerpoint")
                if "Index/Document.iwa" in names or any(n.startswith("Index/") for n in names):
                    raise _foreign(path, "numbers")
                raise InputError(msg("read.file.zip_no_workbook", file=str(path)))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, EOFError, ValueError, NotImplementedError,
            OSError, RuntimeError) as exc:
        if isinstance(exc, NotImplementedError):
            raise InputError(msg("read.file.unknown_packing", file=str(path))) from None
        raise InputError(msg("read.file.damaged_zip", file=str(path))) from None


def sheets(path: Path, wanted: list[str] | None = None, typed: bool = False) -> Iterator[Grid]:
    """Every sheet of a file as a Grid (a CSV file has one sheet, named after the file).
    typed: a big .xlsx sheet may come as a lazy Grid (its first rows, and `body`: read.excel)."""
    lim = limits.current()
    text = path.suffix.lower() in TEXT or path.suffix == ""
    data = limits.read_input(path, lim.csv if text else lim.unzipped, text)  # once: every check sees these bytes
    path = shown(path)  # from here on the path only names the file: its bytes are in hand
    if path.suffix.lower() in COLUMNAR:
        names, table = read_parquet(path, data)
        yield Grid(path, path.stem, table, names=names)
        return
    how = sniff(path, data)
    if how in ("html", "xml2003"):
        from ttcalc.read import webtables

        yield from (webtables.html_grids(path, data) if how == "html" else webtables.xml2003_grids(path, data))
        return
    if how == "csv":
        grid = Grid(path, path.stem, read_csv(path, data))
        del data
        yield grid
        return
    grids = excel_grids(path, wanted, data, typed)
    del data  # the reader holds the bytes from here on, and lets go of them once it is done
    yield from grids


for _name in ("calamine", "fastexcel"):
    logging.getLogger(_name).addHandler(logging.NullHandler())

