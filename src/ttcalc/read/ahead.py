"""The row checks of a streamed sheet done batch by batch while DuckDB parses the next (issue
17: the checks overlap the parse instead of following it).

A big .xlsx sheet streamed by read.xlsxstream arrives in batches of rows once its header is
known.  Everything `reader._read_sheet` computes row by row — the skip reason of each row
(read.rows.classify) and the ID check (cells.idcard.validate_array) — depends on that row's
cells alone, so it is computed for each batch as it comes and the pieces are joined.  The
pieces are used only when the whole sheet came from the stream and no merged cell was filled
down afterwards (a fill changes the cells they were computed on); otherwise `result` gives None
and the reader computes them on the whole table as before.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Checked:
    """The per-row results for the rows below the header, in sheet order."""
    skip: object  # pyarrow string array: classify's reason, null for a person row
    ids: tuple | None  # (normalised, problems) of validate_array, None without an ID column


class Ahead:
    """Called with each batch of the sheet's columns (all text) and the sheet row (0-based) of
    its first row; `fields`: (data name, column index, is money) of the mapped columns in the
    header's order.  Classify looks at the leading unmapped columns too, as the reader does."""

    def __init__(self, sch, header_rows: int, fields: list[tuple[str, int, bool]]) -> None:
        self.sch, self.header_rows, self.fields = sch, header_rows, fields
        self.scan: list[int] | None = None
        self.skips: list = []
        self.normalised: list = []
        self.problems: list = []
        self.rows = 0
        self.ok = True

    def __call__(self, columns: list, first: int) -> None:
        from ttcalc.cells.idcard import validate_array
        from ttcalc.read.rows import as_text, classify

        if not self.ok:
            return
        cut = max(0, self.header_rows - first)
        n = len(columns[0]) - cut if columns else 0
        if n <= 0:
            return
        if self.scan is None:  # as reader._read_sheet: the first 12 unmapped columns
            mapped = {i for _, i, _ in self.fields}
            self.scan = [i for i in range(len(columns)) if i not in mapped][:12]
        arrays = {name: as_text(columns[i].slice(cut), money) for name, i, money in self.fields}
        scan = [as_text(columns[i].slice(cut)) for i in self.scan]
        self.skips.append(classify(scan, arrays, self.sch))
        if "id" in arrays:
            normalised, problems = validate_array(arrays["id"])
            self.normalised.append(normalised)
            self.problems.append(problems)
        self.rows += n

    def discard(self) -> None:
        """The sheet is not read from the batches seen (the stream stepped aside)."""
        self.ok = False
        self.skips, self.normalised, self.problems = [], [], []

    def result(self, n: int) -> Checked | None:
        """The results for the first `n` rows below the header, or None when the batches did not
        hold them all (the sheet was read another way)."""
        import pyarrow as pa

        if not self.ok or self.rows < n or not self.skips:
            return None

        def joined(parts: list):
            return pa.chunked_array(parts, parts[0].type).combine_chunks().slice(0, n)

        ids = (joined(self.normalised), joined(self.problems)) if self.normalised else None
        return Checked(joined(self.skips), ids)
