"""Sidecar metadata: what a person knows about a report that no parser can work out.

Two forms, both next to the report:

- ``<file>.meta.json`` (``x.txt.meta.json``) or ``<stem>.meta.json`` (``x.meta.json``): a JSON
  object of Metadata fields, e.g. ``{"county": "潢川县", "year": 2024}``;
- ``metadata.csv`` in the same folder: a ``file`` column naming the report, plus any Metadata
  field columns; empty cells override nothing.

The JSON sidecar wins over the CSV row. Values are validated here, so a typo is reported as an
``UnreadableFile`` naming the sidecar instead of silently storing a bad year or type.
"""

from __future__ import annotations

import csv
import json
import re
from datetime import date, datetime
from pathlib import Path

from archive.document import DOC_TYPES
from archive.errors import UnreadableFile
from archive.fields import SIDECAR, columns

SIDECAR_SUFFIX = ".meta.json"
SIDECAR_TABLE = "metadata.csv"
OVERRIDABLE = columns(SIDECAR)
# Keys that describe the file rather than override a field: ``source`` says where it came from
# (a site, an excerpt) and is shown with the report's notes; ``url`` is the page it was published
# at and ``retrieved`` when it was fetched (ISO date or date-time), stored as its provenance;
# ``excerpt`` (true/false) says the file holds only part of the document (``Metadata.excerpt``).
DESCRIPTIVE = ("source", "url", "retrieved", "excerpt")
# How ``excerpt`` may be written: a JSON boolean, or these words in a metadata.csv cell.
FLAG_WORDS = {"true": "true", "false": "false", "1": "true", "0": "false", "是": "true", "否": "false"}


def sidecar_paths(path: Path) -> list[Path]:
    """The JSON sidecars that may describe ``path``, most specific first."""
    return [path.with_name(path.name + SIDECAR_SUFFIX), path.with_name(path.stem + SIDECAR_SUFFIX)]


def load_overrides(path: Path) -> dict[str, str]:
    """Field → value overrides for the report at ``path`` ({} when it has no sidecar)."""
    overrides: dict[str, str] = {}
    table = path.with_name(SIDECAR_TABLE)
    if table.is_file():
        overrides.update(_csv_row(table, path.name))
    for candidate in reversed(sidecar_paths(path)):
        if candidate.is_file() and candidate != path:
            overrides.update(_json_object(candidate))
    return overrides


def _json_object(sidecar: Path) -> dict[str, str]:
    try:
        payload = json.loads(sidecar.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise UnreadableFile(f"元数据文件 {sidecar.name} 无效（invalid sidecar: {error}）") from error
    if not isinstance(payload, dict):
        raise UnreadableFile(f"元数据文件 {sidecar.name} 应为 JSON 对象（sidecar must be a JSON object）")
    return _validated(payload, f"元数据文件 {sidecar.name}")


def _csv_row(table: Path, filename: str) -> dict[str, str]:
    try:
        with table.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            if not reader.fieldnames or "file" not in reader.fieldnames:
                raise UnreadableFile(f"{table.name} 缺少 file 列（metadata.csv needs a 'file' column）")
            rows = [row for row in reader if (row.get("file") or "").strip() == filename]
    except (OSError, UnicodeDecodeError, csv.Error) as error:
        raise UnreadableFile(f"元数据文件 {table.name} 无效（invalid metadata.csv: {error}）") from error
    if not rows:
        return {}
    row = {key: value for key, value in rows[-1].items() if key and key != "file" and (value or "").strip()}
    return _validated(row, f"元数据文件 {table.name}")


def validated_fields(values: dict, source: str) -> dict[str, str]:
    """``values`` checked as Metadata field overrides (known field, valid year, type and date);
    ``UnreadableFile`` naming ``source`` otherwise. Sidecars and corrections share these rules."""
    return _validated(values, source, OVERRIDABLE)


def _validated(
    values: dict, source: str, allowed: tuple[str, ...] = OVERRIDABLE + DESCRIPTIVE
) -> dict[str, str]:
    out: dict[str, str] = {}
    for key, value in values.items():
        if key not in allowed:
            known = ", ".join(allowed)
            raise UnreadableFile(f"{source} 含未知字段 {key!r}（known: {known}）")
        if key == "excerpt":
            out[key] = _flag(value, f"{source} 的 excerpt 应为 true 或 false：{value!r}")
            continue
        if not isinstance(value, str | int) or isinstance(value, bool):
            raise UnreadableFile(f"{source} 的 {key} 应为文字或数字（must be a string or number）")
        text = str(value).strip()
        if key == "year" and not re.fullmatch(r"(19|20)\d{2}", text):
            raise UnreadableFile(f"{source} 的 year 无效：{text!r}")
        if key == "doc_type" and text not in DOC_TYPES:
            raise UnreadableFile(f"{source} 的 doc_type 应为 {'/'.join(DOC_TYPES)}：{text!r}")
        if key == "issue_date" and text:
            try:
                date.fromisoformat(text)
            except ValueError as error:
                message = f"{source} 的 issue_date 应为 YYYY-MM-DD：{text!r}"
                raise UnreadableFile(message) from error
        if key == "url" and not re.fullmatch(r"https?://[^\s]+", text):
            raise UnreadableFile(f"{source} 的 url 应为 http(s):// 开头的网址：{text!r}")
        if key == "retrieved":
            try:
                datetime.fromisoformat(text)
            except ValueError as error:
                raise UnreadableFile(f"{source} 的 retrieved 应为 ISO 日期或时间：{text!r}") from error
        out[key] = text
    return out


def _flag(value: object, message: str) -> str:
    """A yes/no key as "true" or "false" (JSON ``true``, or true/false/1/0/是/否 in a CSV cell);
    ``UnreadableFile`` with ``message`` otherwise, so a typo never silently means "no"."""
    if isinstance(value, bool):
        return "true" if value else "false"
    word = FLAG_WORDS.get(str(value).strip().lower()) if isinstance(value, str | int) else None
    if word is None:
        raise UnreadableFile(message)
    return word
