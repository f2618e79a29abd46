"""Readers: one file → its bytes and a ``RawDocument`` (text plus labelled page fields).

Each format has one small reader; ``read_file`` picks it by extension, checks the size *before*
reading, and turns every library failure into ``UnreadableFile`` so a bad file is reported by
name and the batch goes on. Nothing here interprets the text: cleaning, metadata and structure
come later (``archive.describing.parse``).

Formats: ``.txt`` (encoding detected by charset-normalizer, never guessed), ``.docx``
(python-docx: paragraphs and table cells in document order), ``.html``/``.htm``
(``archive.reading.html_page``:
readability-lxml's article and the 索引号/发布机构/成文日期… fields), ``.pdf`` with a text layer
(pdfminer.six), legacy ``.doc``/``.wps`` through the Debian tools antiword or catdoc.
"""

from __future__ import annotations

import io
import shutil
import subprocess
import tempfile
import unicodedata
import zipfile
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

from archive.document import RawDocument
from archive.errors import ArchiveError, UnreadableFile, UnsupportedFormat

from . import html_page
from .cleaning import extract_fields

MAX_FILE_BYTES = 50 * 1024 * 1024
# A .docx is a zip: its parts may not inflate beyond this, nor by more than this ratio. Real
# reports are a few MB; a zip bomb claims gigabytes from a few KB.
MAX_UNCOMPRESSED_BYTES = 200 * 1024 * 1024
MAX_COMPRESSION_RATIO = 200
CONVERTER_TIMEOUT_SECONDS = 120
# Below this share of "text-like" characters a decoded file is binary junk, whatever encoding
# the detector settled on.
MIN_TEXTLIKE_SHARE = 0.9
# Broken UTF-8 bytes tolerated in a text file (see read_txt): one stray byte inside a character
# already makes two or three U+FFFD, so a short file gets a fixed allowance.
MAX_DAMAGED_BYTES_PER_100K = 10
MIN_DAMAGED_ALLOWANCE = 8


def read_file(path: Path) -> tuple[bytes, RawDocument]:
    """The file's bytes and what its reader extracted; ``UnreadableFile`` on any failure."""
    suffix = path.suffix.lower()
    reader = READERS.get(suffix)
    if reader is None:
        raise UnsupportedFormat(f"不支持的文件格式 {suffix or '（无扩展名）'}（unsupported format）")
    try:
        size = path.stat().st_size
    except OSError as error:
        raise UnreadableFile(f"无法打开文件（cannot open file: {error.strerror or error}）") from error
    if size == 0:
        raise UnreadableFile("文件为空（empty file）")
    if size > MAX_FILE_BYTES:
        raise UnreadableFile(f"文件过大（{size} 字节，上限 {MAX_FILE_BYTES} 字节；file too large）")
    try:
        data = path.read_bytes()
        raw = reader(data)
    except ArchiveError:
        raise
    except Exception as error:  # any library failure is a property of this file
        reason = f"{type(error).__name__}: {error}"
        raise UnreadableFile(f"无法读取 {suffix} 文件（corrupt or unreadable: {reason}）") from error
    if not raw.text.strip():
        raise UnreadableFile("文件中没有文字（no text in file）")
    return data, raw


# ---------------------------------------------------------------------------------- plain text


@lru_cache(maxsize=65536)
def _is_textlike(char: str) -> bool:
    """Whether a character belongs in text (cached: a file repeats a few thousand characters)."""
    if char in "\n\r\t":
        return True
    category = unicodedata.category(char)
    if category.startswith("C"):  # control, unassigned, private use, surrogate
        return False
    if char.isascii():
        return True
    return unicodedata.name(char, "").startswith(("CJK", "FULLWIDTH", "IDEOGRAPHIC", "HALFWIDTH")) or (
        category[0] in "PZS" or "\u2000" <= char <= "\u206f"
    )


def decode_text(data: bytes) -> tuple[str, str]:
    """Decoded text and encoding name, detected by charset-normalizer; rejects binary junk."""
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None:
        raise UnreadableFile("无法识别文本编码，可能是二进制文件（no text encoding fits: binary file?）")
    text = str(best)
    encoding = best.encoding + ("_sig" if best.bom and best.encoding == "utf_8" else "")
    if text and text[0] == "\ufeff":
        text = text[1:]
    if not looks_like_text(text):
        raise UnreadableFile(f"内容不是可读文本（decodes to binary junk as {encoding}）")
    return text, encoding


def _utf8_with_damaged_bytes(data: bytes) -> str | None:
    """UTF-8 text with a few broken bytes (a cut download, a bad copy), each shown as U+FFFD.

    charset-normalizer rightly finds no encoding that fits such a file, but refusing a whole
    report for one bad byte loses far more than it protects. The damage is bounded (at most
    ``MAX_DAMAGED_BYTES_PER_100K`` per 100,000 characters, ``MIN_DAMAGED_ALLOWANCE`` at least),
    visible as �, and noted on the report by ``read_txt``.
    """
    text = data.decode("utf-8", errors="replace").removeprefix("\ufeff")
    allowance = max(MIN_DAMAGED_ALLOWANCE, len(text) * MAX_DAMAGED_BYTES_PER_100K // 100_000)
    return text if text.count("\ufffd") <= allowance and looks_like_text(text) else None




def looks_like_text(text: str) -> bool:
    """Whether ``text`` reads as text rather than binary decoded into characters."""
    sample = text[:20000]
    if not sample.strip():
        return True
    share = sum(map(_is_textlike, sample)) / len(sample)
    return share >= MIN_TEXTLIKE_SHARE and "\x00" not in sample


def looks_garbled(text: str) -> bool:
    """Whether Chinese text carries the debris of a failed binary conversion.

    catdoc, fed a Word 97 file it half understands, drops paragraphs and emits runs such as
    ``专˜˜ xvz`` / ``OÕl»l,g†˜`` in their place. Real Chinese reports contain almost no Latin-1
    or Latin-extended letters and no control characters; debris is full of them. Symbols such
    as ``·`` ``°`` ``×`` are not counted, so ordinary typography never trips this; a few pinyin
    letters with tone marks stay under the threshold.
    """
    cjk = sum("\u4e00" <= char <= "\u9fff" for char in text)
    stray = sum(
        ("\u00c0" <= char <= "\u02ff" and unicodedata.category(char) in ("Lu", "Ll", "Lo", "Lm", "Sk"))
        or (unicodedata.category(char) == "Cc" and char not in "\t\n\r\f")
        for char in text
    )
    return cjk > 0 and stray > max(8, cjk // 100)


def read_txt(data: bytes) -> RawDocument:
    """Plain text; a metadata block pasted from a web page still yields its fields."""
    notes: list[str] = []
    try:
        text, encoding = decode_text(data)
    except UnreadableFile:
        damaged = _utf8_with_damaged_bytes(data)
        if damaged is None:
            raise
        text, encoding = damaged, "utf_8"
        notes.append(f"原文件含损坏的 UTF-8 字节，已在 {text.count(chr(0xFFFD))} 处显示为 �")
    return RawDocument(text=text, media_type="text/plain", encoding=encoding, fields=extract_fields(text),
                       notes=notes)


# ---------------------------------------------------------------------------------------- docx


def check_zip(data: bytes) -> None:
    """Refuse broken zips and zip bombs before any library inflates them."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
    except zipfile.BadZipFile as error:
        raise UnreadableFile(f"不是有效的 .docx 文件（not a valid zip/docx: {error}）") from error
    total = sum(info.file_size for info in infos)
    packed = sum(info.compress_size for info in infos) or 1
    if total > MAX_UNCOMPRESSED_BYTES or total / packed > MAX_COMPRESSION_RATIO:
        raise UnreadableFile(f"压缩内容异常（解压后 {total} 字节，疑似压缩炸弹；suspected zip bomb）")
    # The sizes above are what the headers *claim*; zipfile inflates until the compressed data
    # ends, whatever they say. So inflate once in bounded chunks and count what really comes out.
    budget = min(MAX_UNCOMPRESSED_BYTES, packed * MAX_COMPRESSION_RATIO)
    inflated = 0
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for info in infos:
            with archive.open(info) as member:
                while chunk := member.read(1024 * 1024):
                    inflated += len(chunk)
                    if inflated > budget:
                        raise UnreadableFile(
                            f"压缩内容异常（实际解压超过 {budget} 字节，疑似压缩炸弹；suspected zip bomb）"
                        )


def read_docx(data: bytes) -> RawDocument:
    """Paragraphs and table cells in document order (one line each; merged cells once)."""
    check_zip(data)
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    document = docx.Document(io.BytesIO(data))
    lines: list[str] = []
    for child in document.element.body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            lines.append(Paragraph(child, document).text)
        elif tag == "tbl":
            for row in Table(child, document).rows:
                seen: set[int] = set()
                for cell in row.cells:
                    if id(cell._tc) in seen:
                        continue
                    seen.add(id(cell._tc))
                    lines.extend(paragraph.text for paragraph in cell.paragraphs)
    media = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    return RawDocument(text="\n".join(lines), media_type=media)


# ---------------------------------------------------------------------------------------- html

def read_html(data: bytes) -> RawDocument:
    """The article of a saved government page, one paragraph a line, plus its metadata fields.

    readability-lxml finds the article (``bench/html_extract.py`` measured it against trafilatura
    and the project's first heuristic on real gov.cn pages and on the corpus in portal chrome:
    every paragraph, no chrome, the title first). The page's ``<h1>``/``<h2>`` goes in front when
    the article lacks it. Should readability find nothing, the heuristic container is read, so a
    page with text never comes out empty. Fields come from the whole page: a good extractor
    leaves the 索引号/发布机构/成文日期 table out of the article, and cleaning needs them.
    """
    soup = html_page.parse(data)
    for tag in soup.find_all(html_page.NOISE_TAGS):
        tag.decompose()
    encoding = soup.original_encoding or ""
    if not looks_like_text(soup.get_text()):  # lxml "parses" any bytes; junk must not become a report
        raise UnreadableFile(f"内容不是可读文本（decodes to binary junk as {encoding or 'html'}）")
    fields = html_page.page_fields(soup)
    page = str(soup)
    text = html_page.readability_text(page) or html_page.heuristic_text(page)
    heading = soup.find(["h1", "h2"])
    if heading is not None and html_page.compact(heading.get_text()) not in html_page.compact(text):
        text = heading.get_text(" ", strip=True) + "\n" + text
    return RawDocument(text=text, media_type="text/html", encoding=encoding, fields=fields)


# ----------------------------------------------------------------------------------------- pdf


def read_pdf(data: bytes) -> RawDocument:
    """The text layer of a PDF; a scanned PDF (images only) is refused, not OCRed."""
    from pdfminer.high_level import extract_text

    text = extract_text(io.BytesIO(data))
    if not text.strip():
        raise UnreadableFile("PDF 没有文字层（扫描件？no text layer, scanned PDF?）")
    return RawDocument(text=text.replace("\x0c", "\n"), media_type="application/pdf")


# ---------------------------------------------------------------------------------- legacy doc

# (program, arguments before the file name): both write UTF-8 text to stdout.
LEGACY_CONVERTERS = (("antiword", ["-m", "UTF-8.txt", "-w", "0"]), ("catdoc", ["-d", "utf-8", "-w"]))


def read_legacy_word(data: bytes, suffix: str = ".doc") -> RawDocument:
    """A Word 97-2003 / WPS file through antiword, falling back to catdoc."""
    available = [(program, args) for program, args in LEGACY_CONVERTERS if shutil.which(program)]
    if not available:
        raise UnsupportedFormat(
            f"无法读取 {suffix} 文件：未安装转换工具（install the Debian package antiword or catdoc）"
        )
    errors: list[str] = []
    with tempfile.NamedTemporaryFile(suffix=suffix) as handle:
        handle.write(data)
        handle.flush()
        for program, args in available:
            try:
                result = subprocess.run(
                    [program, *args, handle.name],
                    capture_output=True,
                    timeout=CONVERTER_TIMEOUT_SECONDS,
                    check=False,
                )
            except subprocess.TimeoutExpired:
                errors.append(f"{program}: timed out")
                continue
            text = result.stdout.decode("utf-8", errors="replace")
            if result.returncode == 0 and text.strip() and looks_like_text(text):
                if not looks_garbled(text):
                    return RawDocument(text=text, media_type="application/msword", encoding="utf-8")
                errors.append(f"{program}: garbled output (text lost in conversion)")
                continue
            errors.append(f"{program}: {result.stderr.decode('utf-8', 'replace').strip()[:200] or 'no text'}")
    raise UnreadableFile(f"无法转换 {suffix} 文件（{'; '.join(errors)}）")


READERS: dict[str, Callable[[bytes], RawDocument]] = {
    ".txt": read_txt,
    ".docx": read_docx,
    ".html": read_html,
    ".htm": read_html,
    ".pdf": read_pdf,
    ".doc": read_legacy_word,
    ".wps": lambda data: read_legacy_word(data, ".wps"),
}
