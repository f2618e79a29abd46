"""From a file or a ``RawDocument`` to a ``ParsedReport``: clean → metadata → structure.

The display text is produced once (``archive.reading.cleaning``); metadata and structure both read it,
so every offset they produce is an offset into ``ParsedReport.text``. Sidecar overrides are
applied last and win over anything extracted.
"""

from __future__ import annotations

import re
from pathlib import Path

from archive.document import PROV_SIDECAR, Metadata, ParsedReport, RawDocument
from archive.errors import UnreadableFile
from archive.normalize import is_traditional, simplify
from archive.reading.cleaning import clean_page
from archive.reading.readers import read_file

from .evidence import Evidence
from .header import analyse_header
from .issuer import settle_issuer
from .metadata import extract_metadata
from .sidecar import load_overrides
from .structure import build_sections

# At least this many CJK characters or letters, or there is nothing to search or read.
MIN_CONTENT_CHARS = 10
# A sidecar's ``source`` is kept as a note starting so (what /about counts the sources by).
SOURCE_NOTE = "文件来源："


def parse_document(
    raw: RawDocument, overrides: dict[str, str] | None = None, filename: str = ""
) -> ParsedReport:
    """The parsed report of ``raw``; ``UnreadableFile`` when it holds no usable text."""
    page = clean_page(raw.text)
    text = page.text
    if len(re.findall(r"[\u4e00-\u9fffA-Za-z]", text)) < MIN_CONTENT_CHARS:
        raise UnreadableFile("没有可用的正文（no usable text）")
    fields = {**page.fields, **raw.fields}
    reading = simplify(text) if is_traditional(text) else text
    header = analyse_header(reading)
    evidence = Evidence(text, reading, header, fields, page.crumbs, filename,
                        address=(overrides or {}).get("url", ""))
    metadata = extract_metadata(evidence)
    metadata.notes.extend(raw.notes)
    apply_overrides(metadata, overrides or {})
    settle_issuer(metadata)  # after the sidecar: its place counts for a supplied author
    sections = build_sections(text, header.skipped, metadata.doc_type)
    return ParsedReport(text=text, metadata=metadata, sections=sections)


def apply_overrides(metadata: Metadata, overrides: dict[str, str]) -> None:
    """Sidecar values replace extracted ones; provenance says so (``PROV_SIDECAR``). The
    descriptive keys say where the file came from: ``source`` becomes a note, ``url`` and
    ``retrieved`` the report's provenance (``source_url``, ``retrieved``), ``excerpt`` whether
    the file holds only part of the document."""
    overrides = dict(overrides)
    if overrides.get("source"):
        metadata.notes.append(f"{SOURCE_NOTE}{overrides['source']}")
    overrides.pop("source", None)
    if "excerpt" in overrides:
        metadata.excerpt = overrides.pop("excerpt") == "true"
        metadata.provenance["excerpt"] = PROV_SIDECAR
    for key, name in (("url", "source_url"), ("retrieved", "retrieved")):
        if overrides.get(key):
            setattr(metadata, name, overrides[key])
            metadata.provenance[name] = PROV_SIDECAR
        overrides.pop(key, None)
    for key, value in overrides.items():
        setattr(metadata, key, int(value) if key == "year" and value else value)
        metadata.provenance[key] = PROV_SIDECAR
    if overrides:
        fields = ", ".join(sorted(overrides))
        metadata.notes.append(f"由随附元数据文件（sidecar）覆盖的字段：{fields}")


def parse_file(path: Path) -> tuple[bytes, RawDocument, ParsedReport]:
    """Read, load sidecar overrides and parse one file."""
    data, raw = read_file(path)
    return data, raw, parse_document(raw, load_overrides(path), filename=path.name)
