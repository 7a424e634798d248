"""read.inflate: a zip member read with ISA-L's inflate gives zipfile's bytes, in any read
sizes, and a corrupt member fails as zipfile fails (BadZipFile or zlib.error), never otherwise."""

from __future__ import annotations

import io
import zipfile
import zlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ttcalc.read import inflate


def _zip(data: bytes, method=zipfile.ZIP_DEFLATED) -> zipfile.ZipFile:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", method) as z:
        z.writestr("m", data)
    return zipfile.ZipFile(buf)


def _read(fh, size: int) -> bytes:
    out = []
    while block := fh.read(size):
        out.append(block)
    return b"".join(out)


@settings(max_examples=60, deadline=None)
@given(st.binary(max_size=3000), st.integers(1, 40), st.integers(1, 5000),
       st.sampled_from([zipfile.ZIP_DEFLATED, zipfile.ZIP_STORED]))
def test_the_same_bytes_as_zipfile_in_any_read_size(chunk, repeat, size, method):
    data = chunk * repeat + b"<row r=\"1\"><c r=\"A1\"><v>1</v></c></row>" * repeat
    zf = _zip(data, method)
    with inflate.open_member(zf, "m") as fh:
        assert _read(fh, size) == data


def test_isal_is_the_inflater_where_installed():
    pytest.importorskip("isal")
    with inflate.open_member(_zip(b"x" * 10000), "m") as fh:
        assert type(fh).__name__ == "_Member"
        assert fh.read() == b"x" * 10000


@pytest.mark.parametrize("at", [45, 60, 80, 300, 2000])
def test_a_corrupt_member_fails_as_zipfile_fails(at):
    import os

    data = os.urandom(3000) + b"abc" * 5000
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("m", data)
    raw = bytearray(buf.getvalue())
    raw[at] ^= 0xFF
    outcomes = []
    for opener in (lambda zf: zf.open("m"), lambda zf: inflate.open_member(zf, "m")):
        try:
            with opener(zipfile.ZipFile(io.BytesIO(bytes(raw)))) as fh:
                fh.read()
            outcomes.append("ok")
        except (zipfile.BadZipFile, zlib.error, EOFError) as exc:
            outcomes.append(type(exc).__name__)
    assert outcomes[1] == outcomes[0]


def test_without_isal_zipfiles_own_reader(monkeypatch):
    monkeypatch.setattr(inflate, "_fast", lambda: None)
    with inflate.open_member(_zip(b"y" * 5000), "m") as fh:
        assert type(fh._decompressor).__name__ != "_Inflater"
        assert fh.read() == b"y" * 5000


@pytest.mark.parametrize("kind", ["xml", "random", "runs"])
@pytest.mark.parametrize("sizes", [[4 << 20], [64 * 1024, 4 << 20], [1, 7, 65536, 1 << 20], [-1]])
def test_big_members_in_big_and_mixed_reads(kind, sizes):
    """Megabytes of sheet-like XML (ratio ~10), of random bytes (none) and of long runs (over
    a hundred): the same bytes as zipfile whatever the read sizes, each read at most its size
    and short only at the end."""
    import os
    import random

    rnd = random.Random(len(kind) * 7 + len(sizes))
    if kind == "xml":
        data = b"".join(b'<row r="%d"><c r="A%d" t="s"><v>%d</v></c><c r="B%d"><v>%d.%02d</v></c></row>'
                        % (i, i, rnd.randrange(99999), i, rnd.randrange(10**6), rnd.randrange(100))
                        for i in range(1, 120_000))
    elif kind == "random":
        data = os.urandom(3 << 20)
    else:
        data = b"a" * (6 << 20) + b"b" * 12345
    zf = _zip(data)
    got = []
    with inflate.open_member(zf, "m") as fh:
        k = 0
        while True:
            size = sizes[k % len(sizes)]
            k += 1
            block = fh.read(size)
            if not block:
                break
            if size >= 0:
                assert len(block) <= size
                assert len(block) == size or sum(map(len, got)) + len(block) == len(data)
            got.append(block)
    assert b"".join(got) == data


def test_a_member_longer_than_declared_fails_as_zipfile(tmp_path):
    """A zip whose directory says the member is shorter than it inflates to: zipfile stops at
    the declared size and finds the CRC wrong; so does the fast reader."""
    import struct

    data = b"<row>" * 50000
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("m", data)
    raw = bytearray(buf.getvalue())
    for sig, off in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):  # uncompressed size, local and central
        at = raw.find(sig)
        struct.pack_into("<I", raw, at + off, len(data) - 1000)
    outcomes = []
    for opener in (lambda zf: zf.open("m"), lambda zf: inflate.open_member(zf, "m")):
        try:
            with opener(zipfile.ZipFile(io.BytesIO(bytes(raw)))) as fh:
                outcomes.append(len(fh.read()))
        except (zipfile.BadZipFile, zlib.error, EOFError) as exc:
            outcomes.append(type(exc).__name__)
    assert outcomes[1] == outcomes[0] == "BadZipFile"
