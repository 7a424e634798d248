"""The SQL of read.engine, one expression per rule, each the exact counterpart of the columnar
code it replaces: row classification (read.rows.classify), ID normalisation and checks
(cells.idcard.validate_array) and amounts as integer fen (cells.money.column_fen)."""

from __future__ import annotations

SKIP_CODES = (None, "blank", "note_row", "total_row", "no_person")  # column k of `rows`
ID_CODES = (None, "checksum", "numeric", "length", "characters", "birth_date")  # column p (validate_array)
WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)  # GB 11643 (cells.idcard)
MAX_FEN = 10**11  # cells.money.MAX_FEN: past it a value is no amount (the columnar path refuses it)


def lit(text: str) -> str:
    """A SQL string literal."""
    return "'" + text.replace("'", "''") + "'"


def _spaced(word: str) -> str:
    """read.rows: a word whose characters may be spaced out by any space (合计 -> 合␣*计)."""
    import re

    from ttcalc.read.rows import SPACE

    if word.isascii():
        return (SPACE + "+").join(re.escape(w) for w in word.split()) if " " in word else re.escape(word)
    return (SPACE + "*").join(re.escape(ch) for ch in word)


def skip_sql(scan: list[str], cols: dict, numbers: set, sch) -> str:
    """k: 0 person row, 1 blank, 2 note, 3 total, 4 no person — as read.rows.classify, on the
    leading unmapped columns `scan` and the mapped columns `cols` (data name -> SQL)."""
    from ttcalc.read.rows import SPACE, any_space

    key = [cols[k] for k in ("seq", "unit", "name", "id") if k in cols]
    others = [c for k, c in cols.items() if k not in ("seq", "unit", "name", "id")][:3]
    other_names = [k for k in cols if k not in ("seq", "unit", "name", "id")][:3]
    columns = scan + key + others
    texts = [c for c in columns if not (c in others and other_names[others.index(c)] in numbers)]
    nums = [c for c, n in zip(others, other_names) if n in numbers]
    first = f"coalesce({', '.join(texts)})" if len(texts) > 1 else texts[0] if texts else "NULL::VARCHAR"
    blank = " AND ".join([f"({first}) IS NULL"] + [f"({c}) IS NULL" for c in nums])
    total_re = "(?i)" + "|".join([_spaced(w) for w in sch.total_words] + [any_space(p) for p in sch.total_patterns])
    note_re = "(?i)(?:^|\x1f)" + SPACE + "*(?:" + "|".join(_spaced(w) for w in sch.note_words) + ")"
    total = [first] + scan[1:] + [cols[k] for k in ("seq", "unit", "name") if k in cols and k not in numbers]
    lead = [first] + scan[1:]
    named = [cols[k] for k in ("name", "id") if k in cols and k not in numbers]
    note = lead + named
    t = f"coalesce(regexp_matches(concat_ws(chr(31), {', '.join(total)}), {lit(total_re)}), false)"
    # "注：补发" in a remark cell of a person row with an amount is no note line; one written
    # across the name or ID column is (read.rows.classify)
    person = [cols[k] for k in sch.required[0] if k in cols]
    has = f"coalesce({', '.join(person)}) IS NOT NULL" if len(person) > 1 else f"{person[0]} IS NOT NULL"
    amounts = [c for k, c in cols.items() if k.split(":")[0] in ("gross", "component", "hours", "days", "credits")]
    substance = (" OR ".join(f"{c} IS NOT NULL" for c in amounts) if amounts
                 else f"{cols['id']} IS NOT NULL" if "id" in cols else "false")
    n = (f"((coalesce(regexp_matches(concat_ws(chr(31), {', '.join(lead)}), {lit(note_re)}), false) "
         f"AND NOT (({has}) AND ({substance})))"
         + (f" OR coalesce(regexp_matches(concat_ws(chr(31), {', '.join(named)}), {lit(note_re)}), false))"
            if named else ")"))
    # one cheap pass first: the words and patterns without their anchors, over every label cell
    # at once, match wherever the exact ones can (a superset); only those rows are looked at again
    loose = "(?i)" + "|".join([_spaced(w) for w in sch.total_words + sch.note_words] +
                              [_unanchored(any_space(p)) for p in sch.total_patterns])
    labels = list(dict.fromkeys(total + note))
    maybe = f"coalesce(regexp_matches(concat_ws(chr(31), {', '.join(labels)}), {lit(loose)}), false)"
    return (f"(CASE WHEN {blank} THEN 1 WHEN {maybe} THEN (CASE WHEN {n} THEN 2 WHEN {t} THEN 3 "
            f"WHEN NOT ({has}) THEN 4 ELSE 0 END) WHEN NOT ({has}) THEN 4 ELSE 0 END)::UTINYINT")


def _unanchored(pattern: str) -> str:
    """A pattern matching wherever `pattern` does, and maybe more: cell anchors dropped."""
    for anchor in ("(?:^|\\x1f)", "(?:$|\\x1f)", "(?:^|\x1f)", "(?:$|\x1f)"):
        pattern = pattern.replace(anchor, "")
    return "" if "^" in pattern or "$" in pattern else pattern  # "": matches every row (still exact)


_WIDE = "０１２３４５６７８９．，－"
_NARROW = "0123456789.,-"
_AMOUNT = r"-?(\d{1,%d}|\d{1,3}(,\d{3}){1,%d})(\.\d{1,%d})?"  # cells.money _PLAIN / _GROUPED_PLAIN
_STRIP = "".join(chr(c) for c in (9, 10, 11, 12, 13, 32, 0x1c, 0x1d, 0x1e, 0x1f))  # cells.idcard._STRIP


def _ascii(col: str, wide: str, narrow: str) -> str:
    """Full-width characters folded — only in the cells that are not ASCII (translate is slow)."""
    return f"(CASE WHEN strlen({col}) = length({col}) THEN {col} ELSE translate({col}, {lit(wide)}, {lit(narrow)}) END)"


def build(one: str, skip: str, ident: str, keep: str, amounts: list, gross: bool,
          extra: str = "r, month, ") -> str:
    """The whole SELECT of table `rows` over `one` (the kept columns x0…): layer by layer, so
    that DuckDB computes each piece once a row.  keep: SQL of r, fi (the file), name, unit,
    month, hr.
    amounts: (column, scale, is a number) of the gross column alone, else of the components.
    extra: the columns r and month as kept (a data set with no Parquet file and no month column
    keeps neither: less memory).  x: 1 an amount the engine cannot read, 2 an ID not ASCII, 4
    the lead column repeats its header — any of them on a person row sends the data set to the
    columnar reader."""
    g2, e3, f4 = [], [], []
    for j, (col, scale, numeric) in enumerate(amounts):
        if numeric:  # a Parquet integer or decimal, already DECIMAL(38,s≥2)
            g2.append(f"{col} AS g{j}")
            e3.append(f"(g{j} * 100) AS e{j}" if scale == 1 else f"NULL::DECIMAL(38,8) AS e{j}")
        else:
            g2.append(f"{_ascii(col, _WIDE, _NARROW)} AS g{j}")
            # DECIMAL(18,…) is held in 64 bits: a wider one is ten times slower to cast to
            pattern = lit(_AMOUNT % ((13, 3, 2) if scale == 1 else (10, 2, 8)))
            plain = f"(CASE WHEN contains(g{j}, ',') THEN replace(g{j}, ',', '') ELSE g{j} END)"
            if scale == 1:  # 元 with at most 2 decimals: e in 元, its fen whole (checked below in 元)
                e3.append(f"(CASE WHEN regexp_full_match(g{j}, {pattern}) THEN CAST({plain} AS DECIMAL(18,2)) "
                          f"END) AS e{j}")
                f4.append(f"CAST(e{j} * 100 AS BIGINT) AS f{j}, coalesce((g{j} IS NOT NULL AND e{j} IS NULL) "
                          f"OR abs(e{j}) >= {MAX_FEN // 100}, false) AS b{j}")
                continue
            e3.append(f"(CASE WHEN regexp_full_match(g{j}, {pattern}) THEN CAST({plain} "
                      f"AS DECIMAL(18,8)) * {100 * scale} END) AS e{j}")
        f4.append(f"CAST(round(e{j}) AS BIGINT) AS f{j}, coalesce((g{j} IS NOT NULL AND e{j} IS NULL) "
                  f"OR e{j} <> round(e{j}) OR abs(round(e{j})) >= {MAX_FEN}, false) AS b{j}")
    gs = ", ".join(f"g{j}" for j in range(len(amounts)))
    fen = " + ".join(f"coalesce(f{j}, 0)" for j in range(len(amounts)))
    bad = " OR ".join(f"b{j}" for j in range(len(amounts))) + (" OR g0 IS NULL" if gross else "")
    base = "r, fi, k, name, unit, month, hr"
    two = (f"SELECT {keep}, {skip} AS k, {_ascii(ident, '０１２３４５６７８９Ｘｘ' + chr(0x3000), '0123456789Xx ')} AS i0, "
           f"{', '.join(g2)} FROM ({one})")
    clean = f"upper(trim(trim(regexp_replace(i0, '\\s+', '', 'g'), {lit(_STRIP)}), {lit(chr(39) + chr(34) + '`')}))"
    # most IDs are 18 plain characters already: they skip every step of the normalisation
    three = (f"SELECT {base}, coalesce(strlen(i0) <> length(i0), false) AS na, "
             f"coalesce(regexp_full_match(i0, '\\d{{17}}[\\dX]'), false) AS fast, i0, {gs}, {', '.join(e3)} "
             f"FROM ({two})")
    four = (f"SELECT {base}, na, fast, (CASE WHEN fast THEN i0 WHEN regexp_full_match({clean}, '\\d+\\.0') "
            f"THEN left({clean}, -2) ELSE {clean} END) AS t, {gs}, {', '.join(f4)} FROM ({three})")
    five = (f"SELECT {base}, na, fast, t, (CASE WHEN fast THEN 3 ELSE {id_kind('t')} END)::UTINYINT AS kind, "
            f"(CASE WHEN fast THEN TRY_CAST(t AS BIGINT) END) AS n18, "
            f"({fen})::BIGINT AS fen, (CASE WHEN {bad} THEN 1 ELSE 0 END)::UTINYINT AS a FROM ({four})")
    return (f"SELECT fi AS f, {extra}k, p, key, (CASE WHEN key IS NULL AND kind > 1 AND p <> 2 "
            f"THEN t END) AS oid, name, unit, fen, (a + (CASE WHEN na THEN 2 ELSE 0 END) "
            f"+ (CASE WHEN hr THEN 4 ELSE 0 END))::UTINYINT AS x FROM ({id_sql(five)})")


def id_sql(rows: str) -> str:
    """p (ID_CODES) and the ID of each row of `rows` (columns t: normalised text, kind: id_kind,
    fast: t is 17 digits and a digit or X, n18: t as a number when fast and all digits): `key`
    = the 17 digits × 11 + the check value (X = 10) of an ID of that shape (the 15-digit ones
    upgraded), in integers only; else NULL (the text, if any, is the row's `oid`).  m17: the 17
    digits as a number, h and l its first 8 and last 9 digits (32-bit arithmetic is faster)."""
    shaped = "(fast OR (kind = 3 AND coalesce(regexp_full_match(t, '\\d{17}[\\dX]'), false)))"
    m17 = (f"(CASE WHEN n18 IS NOT NULL THEN n18 // 10 WHEN kind = 2 THEN (TRY_CAST(t AS BIGINT) // {10**9}) "
           f"* {10**11} + {19 * 10**9} + TRY_CAST(t AS BIGINT) % {10**9} "
           f"WHEN kind = 3 THEN TRY_CAST(left(t, 17) AS BIGINT) END)")
    last = "(CASE WHEN n18 IS NOT NULL THEN n18 % 10 WHEN right(t, 1) = 'X' THEN 10 ELSE TRY_CAST(right(t, 1) AS INTEGER) END)"
    one = f"SELECT *, {shaped} AS shaped, {m17} AS m17, {last} AS v FROM ({rows})"
    halves = (f"SELECT *, TRY_CAST(m17 // {10**9} AS INTEGER) AS h, TRY_CAST(m17 % {10**9} AS INTEGER) AS l "
              f"FROM ({one})")
    two = (f"SELECT *, (12 - ({_weighted('h', 'l')}) % 11) % 11 AS cv, {_birth_ok('h', 'l')} "
           f"AS bok FROM ({halves})")
    value = "(m17 * 10 + v)"  # shaped, all digits: the number written; only for the few whose check is wrong
    numeric = (f"(v <> 10 AND {value} > {2 ** 53} AND "
               f"(CAST(CAST({value} AS DOUBLE) AS BIGINT) = {value} OR {value} % 1000 = 0))")
    p = (f"(CASE kind WHEN 0 THEN 0 WHEN 1 THEN 2 WHEN 4 THEN 3 WHEN 2 THEN (CASE WHEN bok THEN 0 ELSE 5 END) "
         f"ELSE (CASE WHEN NOT shaped THEN 4 WHEN cv <> v THEN (CASE WHEN {numeric} THEN 2 ELSE 1 END) "
         f"WHEN NOT bok THEN 5 ELSE 0 END) END)::UTINYINT")
    three = f"SELECT *, {p} AS p FROM ({two})"
    key = ("(CASE WHEN kind = 3 AND shaped AND p <> 2 THEN m17 * 11 + v "
           "WHEN kind = 2 AND p = 0 THEN m17 * 11 + cv END)::BIGINT")
    return f"SELECT *, {key} AS key FROM ({three})"


def id_text(key: str) -> str:
    """The ID of a `key` (id_sql) as text again."""
    return f"(lpad(({key} // 11)::VARCHAR, 17, '0') || substr('0123456789X', ({key} % 11)::INTEGER + 1, 1))"


def key_of(text: str) -> str:
    """The `key` of an ID text of the shape 17 digits and a digit or X, else NULL."""
    return (f"(CASE WHEN regexp_full_match({text}, '\\d{{17}}[\\dX]') THEN TRY_CAST(left({text}, 17) AS BIGINT) * 11 "
            f"+ (CASE WHEN right({text}, 1) = 'X' THEN 10 ELSE TRY_CAST(right({text}, 1) AS INTEGER) END) END)")


def _chunk_sums(first: int, size: int) -> str:
    """A SQL list: for each value c of the `size` digits at positions first… of the 17, the
    weighted sum of those digits (GB 11643 weights)."""
    weights = WEIGHTS[first:first + size]
    sums = []
    for c in range(10 ** size):
        digits = [(c // 10 ** (size - 1 - i)) % 10 for i in range(size)]
        sums.append(sum(d * w for d, w in zip(digits, weights)))
    return "[" + ",".join(map(str, sums)) + "]"


def _weighted(h: str, l: str) -> str:  # noqa: E741
    """The GB 11643 weighted sum of the 17 digits whose first 8 are the number `h`, last 9 `l`:
    six looked-up chunks of at most three digits (a handful of integer operations a row, where
    one digit at a time takes 34 divisions)."""
    chunks = [(f"({h} // 100000)", 0, 3), (f"(({h} // 100) % 1000)", 3, 3), (f"({h} % 100)", 6, 2),
              (f"({l} // 1000000)", 8, 3), (f"(({l} // 1000) % 1000)", 11, 3), (f"({l} % 1000)", 14, 3)]
    return " + ".join(f"{_chunk_sums(first, size)}[{c} + 1]" for c, first, size in chunks)


# per month and day (MMDD, 0…1231): 1 a day of every year, 2 the 29th of February, else 0
_DAYS = "[" + ",".join("1" if 1 <= md // 100 <= 12 and 1 <= md % 100 <= (29 if md // 100 == 2 else 30 + (
    (md // 100 + md // 800) % 2)) and md != 229 else "2" if md == 229 else "0" for md in range(1232)) + "]"


def _birth_ok(h: str, l: str) -> str:  # noqa: E741
    """Whether the birth date of the 17 digits whose first 8 are `h`, last 9 `l` (digits 7 to
    14: YYYYMMDD) is a real date in 1900 or later (cells.idcard._births_ok): the month and day
    looked up, the year's leap only asked of the 29th of February.  (A long IN list would
    become a join in DuckDB.)"""
    y, md = f"(({h} % 100) * 100 + {l} // 10000000)", f"(({l} // 1000) % 10000)"
    day = f"{_DAYS}[{md} + 1]"
    leap = f"(({y} % 4 = 0 AND {y} % 100 <> 0) OR {y} % 400 = 0)"
    return f"coalesce({y} >= 1900 AND (CASE {day} WHEN 1 THEN true WHEN 2 THEN {leap} ELSE false END), false)"


_SCI = r"[+-]?\d*\.?\d*E[+-]?\d+"


def id_kind(t: str) -> str:
    """Which branch of validate_array an ID takes: 0 empty, 1 scientific, 2 15 digits,
    3 18 characters, 4 another length."""
    return (f"(CASE WHEN {t} IS NULL OR {t} IN ('', 'NAN', 'NONE') THEN 0 "
            f"WHEN regexp_full_match({t}, {lit(_SCI)}) THEN 1 "
            f"WHEN length({t}) = 15 AND regexp_full_match({t}, '\\d{{15}}') THEN 2 "
            f"WHEN length({t}) = 18 THEN 3 ELSE 4 END)")
