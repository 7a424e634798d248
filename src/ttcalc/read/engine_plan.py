"""How read.engine reads one file: the header found from its first lines exactly as the
columnar reader finds it (read.bigfiles), and the SQL that turns each data row into a row of
table `rows` (read.engine_sql)."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

from ttcalc.read.engine_sql import build, skip_sql

HEAD_BYTES = 256 * 1024


class Fallback(Exception):
    """This data set is read the usual way (why: a short English reason, for tests)."""


@dataclass
class Plan:
    """How one file is read: its header, and one SQL expression per kept column."""
    path: Path
    header: object
    title: list
    source: str  # read_csv(@FILES@, ...) / read_parquet(@FILES@, ...): FILES the SQL of one path or a list
    exprs: list  # SQL of each kept column (position = header column index), as text or number
    numeric: list  # positions whose expression is a number (Parquet amounts)
    first_row: int  # the sheet row of the first data row
    row_sql: str  # SQL giving the data row's 0-based position, or "" (rowid order)
    newline: bytes = b"\n"
    types: tuple = ()  # a Parquet file's column types: files read together must agree
    delim: str = ""  # a CSV's delimiter and quote character (engine._EmptyLines)
    quote: str = ""
    sniffed: tuple = ()  # (skipinitialspace, doublequote) of a dialect DuckDB does not read, else ()
    look: tuple = ()  # the columns (of the file) such a dialect must not change (engine._EmptyLines)
    trimmed: frozenset = frozenset()  # of them, those trimmed whatever the reader (the unit, the ID)
    width: int = 0  # the number of fields of a line of the head

    def reads(self, files_sql: str) -> str:
        """The source over `files_sql` (a path literal, or a list of them: one scan)."""
        return self.source.replace(FILES, files_sql)


FILES = "@FILES@"


def plan_csv(path: Path, sch, maps: dict) -> Plan:
    from ttcalc.read.bigfiles import HEAD_LINES, header_guess, useful
    from ttcalc.read.textfiles import decode_head

    with path.open("rb") as fh:
        head = fh.read(HEAD_BYTES)
    if head.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in head[:4096]:
        raise Fallback("UTF-16 or binary")
    # cut after the last whole line: a character cut in two at HEAD_BYTES is no other encoding
    decoded = decode_head(head[:head.rfind(b"\n") + 1] if len(head) == HEAD_BYTES and b"\n" in head else head)
    if decoded is None:
        raise Fallback("encoding")
    text, encoding = decoded
    if encoding != "utf-8-sig":
        raise Fallback(f"encoding {encoding}")
    try:
        dialect = csv.Sniffer().sniff(text[:8192], delimiters=",\t;|")
    except csv.Error:
        dialect = csv.excel
    quote = dialect.quotechar or '"'
    if dialect.escapechar or len(dialect.delimiter) != 1:
        raise Fallback("dialect")
    text = text.removeprefix("\ufeff")
    lines = text.splitlines(keepends=True)[:HEAD_LINES]
    if len(lines) < HEAD_LINES and len(head) == HEAD_BYTES:
        raise Fallback("long head lines")
    head_rows = list(csv.reader(io.StringIO("".join(lines), newline=""), dialect))
    if len(head_rows) != len(lines):
        raise Fallback("line breaks inside quotes")
    width = max((len(r) for r in head_rows), default=0)
    keep = useful(header_guess(head_rows)) or list(range(width))
    grid = [[(r[i] if i < len(r) and r[i] != "" else None) for i in keep] for r in head_rows]
    header, title = _header(grid[:40], sch, maps, path)
    skip = header.last_row
    sniffed = (bool(dialect.skipinitialspace), bool(dialect.doublequote))
    sniffed = () if sniffed == (False, True) else sniffed
    look = tuple(keep)
    if sniffed and any(_otherwise(row, line, dialect.delimiter, quote, sniffed, look, trimmed=_trimmed(keep, header))
                       for row, line in zip(head_rows[skip:], lines[skip:])):
        raise Fallback("a dialect DuckDB does not read")
    cols = ", ".join(f"'c{i}': 'VARCHAR'" for i in range(width))
    source = (f"read_csv({FILES}, skip={skip}, header=false, auto_detect=false, columns={{{cols}}}, "
              f"delim={_lit(dialect.delimiter)}, quote={_lit(quote)}, escape={_lit(quote)}, null_padding=true, "
              f"strict_mode=false, encoding='utf-8', parallel=true)")
    exprs = [f"NULLIF(s.c{i}, '')" for i in keep]
    newline = b"\r\n" if b"\r\n" in head else b"\n"
    return Plan(path, header, title, source, exprs, [], skip + 1, "", newline, delim=dialect.delimiter, quote=quote,
                sniffed=sniffed, look=look if sniffed else (), trimmed=frozenset(_trimmed(keep, header)), width=width)


def _trimmed(keep: list, header) -> set:
    """The columns (of the file) whose text is trimmed, whatever the reader: the unit and the ID."""
    return {keep[c.index] for c in header.columns if c.field in ("unit", "id")}


def _otherwise(row, line: str, delim: str, quote: str, sniffed: tuple, look: tuple, trimmed: set) -> bool:
    """Whether the csv module, with the sniffed dialect (a space skipped after a delimiter, or
    doubled quotes not read as one: a first line "序号, 姓名" or of a single cell, a sample
    without ""), reads a line (its cells `row`, or None: read here) otherwise than DuckDB and
    pyarrow read it, in a column of `look` (of `trimmed`, but for leading spaces).  The
    columnar reader reads the lines of the head so, and below them the lines of another width
    than the head's (read.bigfiles)."""
    if row is None:
        row = next(csv.reader([line], delimiter=delim, quotechar=quote, skipinitialspace=sniffed[0],
                              doublequote=sniffed[1]), [])
    duck = next(csv.reader([line.rstrip("\r\n")], delimiter=delim, quotechar=quote), [])
    for i in look:
        a, b = (row[i] if i < len(row) else ""), (duck[i] if i < len(duck) else "")
        if a != b and not (i in trimmed and a.lstrip(" ") == b.lstrip(" ")):
            return True
    return False


def reads_otherwise(line: str, plan) -> bool:
    """Whether the columnar reader reads a data line below the head otherwise than DuckDB: one
    of another width than the head's, and a sniffed dialect that changes a cell of it."""
    cells = next(csv.reader([line], delimiter=plan.delim, quotechar=plan.quote), [])
    return len(cells) != plan.width and _otherwise(None, line, plan.delim, plan.quote, plan.sniffed, plan.look,
                                                   plan.trimmed)


def plan_parquet(path: Path, sch, maps: dict, con) -> Plan:
    """The plan of a Parquet file, from DuckDB's view of it (`con`; pyarrow is not imported:
    its import alone costs a fifth of a second)."""
    import re

    from ttcalc.read.bigfiles import useful

    with path.open("rb") as fh:
        if fh.read(4) != b"PAR1":
            raise Fallback("not Parquet")
    source = f"read_parquet({path_lit(path)})"
    schema = con.execute(f"SELECT name, num_children FROM parquet_schema({path_lit(path)})").fetchall()
    raw = [name for name, _ in schema[1:]]
    if any(children for _, children in schema[1:]) or len(set(raw)) < len(raw):
        raise Fallback("nested columns or two of one name")  # DuckDB would rename the second
    described = con.execute(f"DESCRIBE SELECT * FROM {source}").fetchall()
    names, types = [d[0] for d in described], [d[1] for d in described]
    if names != raw:
        raise Fallback("columns named otherwise")
    keep = useful(names)
    head = con.execute(f"SELECT {', '.join(_ident(names[i]) for i in keep)} FROM {source} LIMIT 39").fetchall()
    if not head:
        raise Fallback("no rows")
    grid = [[names[i] for i in keep]] + [list(r) for r in head]
    header, title = _header(grid, sch, maps, path)
    if header.last_row != 1:
        raise Fallback("Parquet header below the column names")
    money = {c.index for c in header.columns if c.field and sch.fields[c.field].type == "money"}
    exprs, numeric = [], []
    for j, i in enumerate(keep):
        t = types[i]
        col = f"s.{_ident(names[i])}"
        decimal = re.fullmatch(r"DECIMAL\((\d+),(\d+)\)", t)
        if t == "VARCHAR":
            exprs.append(col)
        elif j in money and (t in _INTEGERS or decimal):
            scale = int(decimal.group(2)) if decimal else 0
            if decimal and (int(decimal.group(1)) > 16 or scale > 8):
                raise Fallback(f"Parquet column of type {t}")
            exprs.append(f"CAST({col} AS DECIMAL(18,{max(scale, 2)}))")
            numeric.append(j)
        elif t in _INTEGERS and j not in money:
            exprs.append(f"CAST({col} AS VARCHAR)")
        else:
            raise Fallback(f"Parquet column of type {t}")
    source = f"read_parquet({FILES}, file_row_number=true)"
    return Plan(path, header, title, source, exprs, numeric, 2, "s.file_row_number", types=tuple(described))


_INTEGERS = ("TINYINT", "SMALLINT", "INTEGER", "BIGINT", "UTINYINT", "USMALLINT", "UINTEGER", "UBIGINT")


def _header(grid: list, sch, maps: dict, path: Path):
    from ttcalc.read.header import apply_map, dedupe, detect

    header = detect(grid, sch, maps)
    if header is None:
        raise Fallback("no header")
    if apply_map(header, maps, sch):
        raise Fallback("--map names no column")
    dedupe(header, sch)
    mapped = header.mapped
    if any(not any(g in mapped for g in group) for group in sch.required):
        raise Fallback("a required column is missing")
    if "id" not in mapped:
        raise Fallback("no ID column")
    title = [str(v) for r in grid[:header.first_row - 1] for v in r if v]
    return header, title


def bad_quotes(delim: str, quote: str):
    """A test of whole lines of a CSV (bytes starting and ending with a line end): whether a
    quote stands where DuckDB reads it otherwise than the csv module and pyarrow do.  They
    read alike the quoted fields that open at a line's start or after a delimiter, double the
    quotes inside, span no line end and close before a delimiter or the line's end; DuckDB
    (strict_mode off) drops what follows a closing quote ("100"5 is 100, not 1005; "张三"(借调)
    is 张三), the spaces before an opening one, and reads an unclosed quote on to the next
    quote, lines later (the rows between lost).  So: any quote but those of such fields, taken
    from the start (a"b too, which all read alike: it cannot be told from the others).  One
    match of possessive repeats: nothing to backtrack, nothing built but the match."""
    import re

    d, q = re.escape(delim.encode()), re.escape(quote.encode())
    inside = rb"[^\r\n" + q + rb"]*+"
    field = (q + rb"(?<=[\r\n" + d + rb"]" + q + rb")" + inside + rb"(?:" + q + q + inside + rb")*+" + q
             + rb"(?=[\r\n" + d + rb"])")
    good = re.compile(rb"(?:[^" + q + rb"]++|" + field + rb")*+")
    byte = quote.encode()

    def test(lines: bytes) -> bool:
        return byte in lines and good.match(lines).end() != len(lines)
    return test


def path_lit(path) -> str:
    """A SQL literal naming the file `path` alone: DuckDB reads a path holding *, ? or [ as a
    glob pattern (第[1]中学.csv would read 第1中学.csv; a*b.csv every a…b.csv, and a list of
    paths would number the files it found, not those named), so each of them is written as a
    class of its own ([[], [*], [?]: that character alone).  A POSIX path holding a backslash
    too cannot be spelled so (DuckDB's glob takes it for a separator): read the usual way.  The
    path is made absolute: DuckDB reads a leading "~" as the home folder, where a relative
    path "~/2025-01.csv" names a folder "~" here."""
    import os
    import re

    text = str(Path(path).absolute())
    if re.search(r"[*?\[]", text):
        if "\\" in text and os.sep == "/":
            raise Fallback("a backslash in a path with glob characters")
        text = re.sub(r"([*?\[])", r"[\1]", text)
    return _lit(text)


def _lit(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def data_name(col) -> str:
    return f"{col.field}:{col.header}" if col.field in ("component", "deduction", "employer") else col.field


def select_sql(plan: Plan, sch, files_sql: str, each: tuple, extra: str = "r, month, ") -> str:
    """One row of table `rows` per data row of the files `files_sql` (one path, or a list of
    files of the same plan but for these: one scan): f file, r its position (Parquet), k skip
    code, p ID problem, key and oid (the ID), name, unit, month, fen, x (not for the engine:
    engine_sql.build).  each: SQL of a row's file number, the unit named by its file or title,
    its month named so (NULL when none), over the scan `s`.  `extra`: which of r and month
    are kept."""
    h = plan.header
    fields = {data_name(c): c for c in h.columns if c.field}
    expr = {name: f"x{c.index}" for name, c in fields.items()}
    mapped_idx = {c.index for c in h.columns if c.field}
    scan = [f"x{j}" for j in range(len(plan.exprs)) if j not in mapped_idx][:12]
    numbers = {name for name, c in fields.items() if c.index in plan.numeric}
    skip = skip_sql(scan, expr, numbers, sch)
    gross = [n for n in fields if n == "gross"]
    amounts = gross or [n for n in fields if n.startswith("component:")]
    if "unit" in expr:  # trimmed only where it needs it (a trim of so many characters is slow)
        u, chars = expr["unit"], _lit(_TRIM)
        unit_sql = (f"coalesce(CASE WHEN strpos({chars}, left({u}, 1)) > 0 OR strpos({chars}, right({u}, 1)) > 0 "
                    f"THEN trim({u}, {chars}) ELSE {u} END, u0)")
    else:
        unit_sql = "u0"
    month_sql = expr["month"] if "month" in expr else "m0"
    lead = fields.get("name") or fields["id"]
    x, labels = expr[data_name(lead)], _labels(lead)
    near = " OR ".join(f"contains({x}, {_lit(ch)})" for ch in sorted({lab[0] for lab in labels if lab}))
    repeat = (f"coalesce(CASE WHEN {near or 'true'} THEN regexp_replace({x}, '\\s+', '', 'g') IN "
              f"({', '.join(_lit(lab) for lab in labels)}) ELSE false END, false)")
    cols = ", ".join(f"{e} AS x{j}" for j, e in enumerate(plan.exprs))
    f_sql, unit, month = each
    one = (f"SELECT {plan.row_sql or 'NULL'}::BIGINT AS r, ({f_sql})::USMALLINT AS fi, ({unit})::VARCHAR AS u0, "
           f"({month})::VARCHAR AS m0, {cols} FROM {plan.reads(files_sql)} AS s")
    keep = (f"r, fi, {expr.get('name', 'NULL')}::VARCHAR AS name, {unit_sql}::VARCHAR AS unit, "
            f"{month_sql}::VARCHAR AS month, {repeat} AS hr")
    return build(one, skip, expr["id"], keep,
                 [(expr[n], fields[n].scale, n in numbers) for n in amounts], bool(gross), extra)


# what Arrow's utf8_trim_whitespace takes off a unit's name
_TRIM = "".join(chr(c) for c in (*range(9, 14), *range(0x1c, 0x21), 0x85, 0xa0, 0x1680, *range(0x2000, 0x200b),
                                 0x2028, 0x2029, 0x202f, 0x205f, 0x3000))


def _labels(col) -> list[str]:
    import re

    labels = {col.header.replace(" / ", ""), *col.header.split(" / ")}
    labels |= {re.sub(r"[(（][^)）]*[)）]$", "", x) for x in labels}
    return sorted({"".join(x.split()) for x in labels})
