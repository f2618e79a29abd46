"""Shared weapons for the reliability and security tests: hostile files, hostile text, and checks.

Why one module: the hostile-file, injection, fault and load tests all need to build a small
archive through the real pipeline and then prove the store and the index agree; doing that
in one place keeps every test file short and makes the consistency check the same everywhere.
Running the CLI in a subprocess is in ``tests.support.cli``.
"""

from __future__ import annotations

import functools
import io
import re
import struct
import zipfile
from pathlib import Path

from archive.config import ArchiveConfig

# The four payloads of the injection tests, each on a line of an otherwise ordinary report.
SCRIPT = "<script>alert(1)</script>"
ATTRIBUTE_BREAK = '"><img src=x onerror=alert(1)>'
JS_URL = "javascript:alert(1)"
FORMULA = "=cmd|' /C calc'!A0"
PAYLOADS = (SCRIPT, ATTRIBUTE_BREAK, JS_URL, FORMULA)
# The name a user would see for the hostile report's file: spaces, quotes, Chinese.
HOSTILE_FILENAME = "注入 测试镇 \"2023\" '报告'.txt"
HOSTILE_REPORT = f"""垫江县注入测试镇人民政府
关于注入测试镇2023年法治政府建设工作的报告

2023年，注入测试镇坚持新时代枫桥经验，{SCRIPT}推进依法行政。
一、2023年法治政府建设主要举措和成效
（一）强化学法用法
属性注入测试{ATTRIBUTE_BREAK}化解矛盾纠纷十二件。
链接注入测试 {JS_URL} 推进法律明白人培训。
{FORMULA} 公式注入测试调处矛盾纠纷。
二、存在的不足和原因
部分干部法治意识不强，学法不够深入。
三、2024年工作安排
继续深化枫桥经验，推进法治乡镇建设。
"""


def write_hostile_report(folder: Path) -> Path:
    """The injection report under its hostile file name."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / HOSTILE_FILENAME
    path.write_text(HOSTILE_REPORT, encoding="utf-8")
    return path


# ------------------------------------------------------------------------------- hostile files


def report_text(n: int) -> str:
    """A small, valid, unique report (its number is spelled in the text, so ids differ)."""
    return (f"垫江县坪山镇人民政府\n关于2023年法治政府建设工作的报告（第{n}号）\n"
            f"一、主要举措和成效\n编号{n:05d}的报告推进依法行政，化解矛盾纠纷{n}件，坚持枫桥经验。\n")


def docx_bytes(text: str) -> bytes:
    """A real .docx (python-docx), one paragraph per line of ``text``."""
    import docx

    document = docx.Document()
    for line in text.splitlines():
        document.add_paragraph(line)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def pdf_bytes(text: str) -> bytes:
    """A minimal valid one-page PDF with ``text`` (ASCII) in its text layer, correct xref."""
    stream = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode("ascii")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


BOMB_BYTES = 256 * 1024 * 1024


@functools.cache
def zip_bomb() -> bytes:
    """A real .docx whose ``word/document.xml`` inflates to 256 MB of zeros (≈1000:1).

    Cached: deflating 256 MB costs seconds, and several tests need the same bomb.
    """
    buffer = io.BytesIO()
    chunk = b"\0" * (1024 * 1024)
    with zipfile.ZipFile(io.BytesIO(docx_bytes("placeholder"))) as source, \
            zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in source.infolist():
            if info.filename != "word/document.xml":
                archive.writestr(info.filename, source.read(info))
        with archive.open("word/document.xml", "w") as member:
            for _ in range(BOMB_BYTES // len(chunk)):
                member.write(chunk)
    return buffer.getvalue()


def lying_zip_bomb() -> bytes:
    """The same bomb with headers that *claim* a 4 kB document, defeating a size-sum check.

    The uncompressed-size fields of the document member are patched in both the local header
    and the central directory, so only a reader that bounds what it inflates is safe.
    """
    data = bytearray(zip_bomb())
    claimed = 4096
    name = b"word/document.xml"
    for signature, size_at, name_at in ((b"PK\x03\x04", 22, 30), (b"PK\x01\x02", 24, 46)):
        for match in re.finditer(re.escape(signature), data):
            start = match.start()
            if data[start + name_at:start + name_at + len(name)] == name:
                struct.pack_into("<I", data, start + size_at, claimed)
    return bytes(data)


def sparse_file(path: Path, size: int, head: bytes = b"") -> Path:
    """A file of ``size`` bytes that costs no disk or time to make (a hole after ``head``)."""
    with open(path, "wb") as handle:
        handle.write(head)
        handle.truncate(size)
    return path


# --------------------------------------------------------------------------------- consistency

_DISTINCT = re.compile(r"[\u4e00-\u9fffA-Za-z0-9]{2,}")


def probe_for(text: str) -> str | None:
    """A quotable substring of a passage (a CJK/alphanumeric run, ≤ 12 chars), or None."""
    runs = _DISTINCT.findall(text)
    if not runs:
        return None
    longest = max(runs, key=len)
    middle = max(0, (len(longest) - 12) // 2)
    return longest[middle:middle + 12]


def stored_passages(config: ArchiveConfig) -> dict[tuple[str, int], str]:
    """Every passage in the store as (report id, seq) → text."""
    from archive.store.changes import make_session_factory
    from archive.store.db import Passage, make_engine

    engine = make_engine(config.database_url)
    try:
        with make_session_factory(engine)() as session:
            rows = session.query(Passage.report_id, Passage.seq, Passage.text).all()
    finally:
        engine.dispose()
    return {(rid, seq): text for rid, seq, text in rows}


def assert_store_and_index_agree(config: ArchiveConfig, probe_limit: int | None = None) -> int:
    """The index holds exactly the store's passages, and each is found by its own words.

    Checks (1) the set of (report, seq) the index returns for "everything" equals the store's
    set — no lost passage, no ghost from a removed report — and (2) for every passage (or the
    first ``probe_limit``), a quoted substring of its text finds it. Returns the probe count.
    """
    from indexer.service import SearchService

    stored = stored_passages(config)
    service = SearchService(config)
    indexed = set(service.passage_ids(""))
    assert indexed == set(stored), (
        f"index and store disagree: {len(set(stored) - indexed)} missing from index, "
        f"{len(indexed - set(stored))} only in index"
    )
    probed = 0
    for key, text in sorted(stored.items())[:probe_limit]:
        probe = probe_for(text)
        if probe is None:
            continue
        found = set(service.passage_ids(f'"{probe}"', report_id=key[0]))
        assert key in found, f"passage {key} not found by its own words {probe!r}"
        probed += 1
    return probed


def archive_snapshot(config: ArchiveConfig) -> tuple[object, ...]:
    """Everything a data-changing request could change: store rows and the live index generation.

    Compared before and after requests to prove they were read-only by their effect, not by
    trusting their names or methods.
    """
    import sqlite3

    from indexer.index.generation import LITERAL_DB, current_generation

    conn = sqlite3.connect(config.database_url.removeprefix("sqlite:///"))
    try:
        store = tuple(
            tuple(conn.execute(sql).fetchall()) for sql in (
                "SELECT id, text FROM reports ORDER BY id",
                "SELECT report_id, seq, text FROM passages ORDER BY report_id, seq",
                "SELECT path, sha256, report_id FROM source_files ORDER BY path",
                "SELECT old_id, new_id FROM report_aliases ORDER BY old_id",
            )
        )
    finally:
        conn.close()
    generation = current_generation(config.index_dir)
    if generation is None:
        return store, None
    literal = sqlite3.connect(f"file:{generation / LITERAL_DB}?mode=ro", uri=True)
    try:
        indexed = tuple(literal.execute("SELECT report_id, seq FROM passages ORDER BY report_id, seq"))
    finally:
        literal.close()
    return store, generation.name, indexed
