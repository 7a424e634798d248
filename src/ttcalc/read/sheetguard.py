"""The cell cap checked sheet by sheet before the Excel reader allocates a sheet: from each
worksheet part's declared or walked extent (.xlsx, .xlsb) or the DIMENSIONS record (.xls),
found through the workbook's own part list (parsed with defusedxml)."""


from __future__ import annotations

import re
import zipfile
import zlib
from pathlib import Path

from ttcalc.core.errors import InputError
from ttcalc.core.msg import msg
from ttcalc.read import extent, limits
from ttcalc.read.grid import EXCEL, OLE_MAGIC, ZIP_MAGIC


class SheetGuard:
    """Checks each sheet against the cell cap before fastexcel allocates it."""

    def __init__(self, path: Path, data: bytes) -> None:
        self.path = path
        self.data = data
        self.kind = None
        self.parts: dict[str, str] | None = None
        self.checked: set[str] = set()
        self.xls: dict[str, tuple[int, int]] | None = None
        self.ods: dict[str, tuple[int, int]] | None = None
        self._zf: zipfile.ZipFile | None = None
        self.disk: zipfile.ZipFile | None = None  # the file itself, opened as a zip (read.excel)
        self.hidden: set[str] | None = None  # hidden sheets, for the typed path (read.xlsxfast)
        head = data[:8]
        self.kind = "ole" if head.startswith(OLE_MAGIC) else "zip" if head.startswith(ZIP_MAGIC) else None

    def zip(self) -> zipfile.ZipFile | None:
        """The workbook's zip directory, parsed once (not once per sheet: 5,000 sheets stay linear)."""
        if self._zf is None:
            import io

            try:
                self._zf = zipfile.ZipFile(io.BytesIO(self.data))
            except (zipfile.BadZipFile, OSError, ValueError):
                return None
        return self._zf

    def release(self) -> None:
        """The workbook's bytes are no longer needed (its last sheet is read): let them go."""
        self.data = b""
        if self._zf is not None:
            self._zf.close()
        self._zf = None

    def misnamed(self) -> bool:
        """True when the name says one Excel format and the content is another."""
        ext = self.path.suffix.lower()
        if ext in (".et", ".ett"):  # WPS: a BIFF workbook inside, which the reader knows by content
            return self.kind == "ole"
        if ext not in EXCEL or self.kind is None:
            return False
        if self.kind == "ole":
            return ext != ".xls"
        zf = self.zip()
        if zf is None:
            return False
        names = set(zf.NameToInfo)
        family = ({".ods"} if "content.xml" in names else
                  {".xlsb"} if any(n.endswith("workbook.bin") for n in names) else {".xlsx", ".xlsm"})
        return ext not in family

    def before_open(self) -> None:
        zf = self.zip() if self.kind == "zip" else None
        if zf is not None and "content.xml" in zf.NameToInfo:
            self.check("")

    def check(self, sheet: str) -> int:
        """Refuse the sheet when it would span more cells than the cap; return its cells (an
        estimate, 0 when unknown) for the shared budget of reads in flight."""
        lim = limits.current()
        if not lim.cells:
            return 0
        if self.kind == "ole":
            if self.xls is None:
                self.xls = extent.xls_dimensions(self.data)
            if sheet in self.xls:
                rows, cols = self.xls[sheet]
                limits.check_cells(self.path, sheet, rows, cols, lim)
                return rows * cols
            return 0
        if self.kind != "zip":
            return 0
        zf = self.zip()
        if zf is None:
            return 0  # sniff has judged the container; the reader says the rest
        if "content.xml" in zf.NameToInfo:  # an .ods: its repeats counted
            if self.ods is None:
                try:
                    self.ods = extent.ods_extent(self.path, zf, lim)
                except InputError:
                    raise
                except Exception:  # noqa: BLE001 — damaged XML: the reader says why
                    self.ods = {}
            rows, cols = self.ods.get(sheet, (0, 0))
            return rows * cols
        if self.parts is None:
            self.parts = sheet_parts(self.path, zf)
        member = self.parts.get(sheet)
        members = [member] if member else [m for m in worksheet_members(zf) if m not in self.parts.values()]
        cells = 0
        for m in members:
            if m in self.checked or m not in zf.NameToInfo:
                continue
            self.checked.add(m)
            label = sheet if member else f"{sheet} ({m})"
            try:
                if m.endswith(".bin"):
                    extent.xlsb_extent(self.path, zf, m, label, lim)
                elif m.endswith(".xml"):
                    rows, cols = extent.xlsx_extent(self.path, zf, m, label, lim)
                    cells = max(cells, rows * cols)
            except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, NotImplementedError,
                    KeyError, TypeError):
                continue  # a damaged part: the reader reports it in its own words
        return cells


def worksheet_members(zf: zipfile.ZipFile) -> list[str]:
    return [n for n in zf.namelist() if re.search(r"(?:^|/)(?:worksheets|macrosheets|dialogsheets)/[^/]+\.(?:xml|bin)$", n)]


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def sheet_parts(path: Path, zf: zipfile.ZipFile) -> dict[str, str]:
    """{sheet name: zip member} from the workbook part and its relationships, parsed with
    defusedxml.  A declared DTD or entity in these parts is refused; anything else that cannot
    be parsed gives {} (every worksheet part is then checked)."""
    from defusedxml import DefusedXmlException

    names = set(zf.namelist())
    try:
        wb_part = "xl/workbook.xml"
        if "_rels/.rels" in names:
            root = limits.parse_xml(limits.read_member(path, zf, "_rels/.rels"))
            for rel in root.iter():
                if _local(rel.tag) == "Relationship" and rel.get("Type", "").endswith("/officeDocument"):
                    wb_part = _resolve("", rel.get("Target", ""))
                    break
        if wb_part not in names or not wb_part.endswith(".xml"):
            return {}
        base = wb_part.rsplit("/", 1)[0] if "/" in wb_part else ""
        rels_part = f"{base}/_rels/{wb_part.rsplit('/', 1)[-1]}.rels" if base else f"_rels/{wb_part}.rels"
        targets = {}
        if rels_part in names:
            for rel in limits.parse_xml(limits.read_member(path, zf, rels_part)).iter():
                if _local(rel.tag) == "Relationship":
                    targets[rel.get("Id")] = _resolve(base, rel.get("Target", ""))
        out = {}
        for el in limits.parse_xml(limits.read_member(path, zf, wb_part)).iter():
            if _local(el.tag) == "sheet":
                rid = next((v for k, v in el.attrib.items() if k.endswith("}id")), None)
                if el.get("name") is not None and rid in targets:
                    out[el.get("name")] = targets[rid]
        return out
    except DefusedXmlException:
        raise InputError(msg("read.book.dtd_file", file=str(path))) from None
    except InputError:
        raise
    except Exception:  # noqa: BLE001 — malformed XML: let calamine judge the workbook
        return {}


def _resolve(base: str, target: str) -> str:
    import posixpath

    if target.startswith("/"):
        return target.lstrip("/")
    return posixpath.normpath(posixpath.join(base, target)) if base else posixpath.normpath(target)
