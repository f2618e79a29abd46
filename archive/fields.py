"""The report fields, once: every list of fields elsewhere is derived from ``FIELDS``.

Each entry says what a field is called (stored column, URL/query name, Chinese label and
aliases), how a valid value looks, and which roles it plays: overridable by a sidecar, shown for
review, an index column and facet, a CSV/export column, a key of the JSON metadata, and for
places their level (province 1 … township 4), which also gives the place sort order. Adding a
field is one entry here plus its extraction; ``tests/test_fields.py`` checks every derived list
(sidecar keys, index schema, facets, query aliases, URL parameters, CSV columns, API schemas).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

# Roles a field can play (``Field.roles``).
SIDECAR = "sidecar"  # a person may set it in a sidecar or a correction (``archive.describing.sidecar``)
REVIEW = "review"  # listed for review when filled uncertainly (``archive.store.corrections``)
FACET = "facet"  # an index column: filtered, counted and listed in the sidebar (``indexer.index.schema``)
PASSAGE_LEVEL = "passage"  # a facet whose value belongs to the passage, not the report (section)
INDEXED = "indexed"  # copied into the index's report table (``indexer.index.literal.REPORT_COLUMNS``)
EXPORT = "export"  # a column of the CSV export and of ``/api/search?all=1`` (``web.export``)
JSON = "json"  # a key of a report's JSON metadata (``Report.metadata_dict``)
GROUP = "group"  # shown with a report on a result page, and a key of its JSON group

UNKNOWN_PLACE = "地区不详"
UNKNOWN_YEAR = "年份不详"
# One limit for the page, the API and the parser: room for a pasted passage (a few paragraphs,
# ``indexer.matching.pasted``); a longer query is refused with a message naming the limit.
MAX_QUERY_CHARS = 5_000


@dataclass(frozen=True)
class Field:
    """One report field (see the module docstring for the roles)."""

    column: str  # the name in the store, the index, the JSON and sidecars (``doc_type``)
    name: str  # the ASCII name users type in queries and URLs carry (``type``)
    label: str  # the page's Chinese label
    aliases: tuple[str, ...] = ()  # Chinese names that work in queries as well (``县：潢川县``)
    example: str = ""  # a valid value: every message about the field shows one
    unknown: str = ""  # the selectable label for "no value" (a report whose place or year is not known)
    level: int = 0  # a place's level: 1 province, 2 city, 3 county, 4 township; 0 for other fields
    kind: str = "text"  # "text", "year" (a number or null in JSON) or "date" (YYYY-MM-DD or "")
    description: str = ""  # what the API documentation says, when the label is not enough
    roles: frozenset[str] = frozenset()

    def has(self, role: str) -> bool:
        """Whether the field plays ``role``."""
        return role in self.roles


def _roles(*names: str) -> frozenset[str]:
    return frozenset(names)


# A report-level facet (year, places, type) plays every role a report field can.
_FACETED = _roles(SIDECAR, REVIEW, FACET, INDEXED, EXPORT, JSON, GROUP)
FIELDS: tuple[Field, ...] = (
    Field("year", "year", "年份", ("年份", "年度", "年"), "2023", UNKNOWN_YEAR, kind="year", roles=_FACETED),
    Field("province", "province", "省份", ("省", "省份"), "河南省", UNKNOWN_PLACE, level=1, roles=_FACETED),
    Field("city", "city", "市", ("市",), "信阳市", UNKNOWN_PLACE, level=2, roles=_FACETED),
    Field("county", "county", "县（区）", ("县", "区县"), "潢川县", UNKNOWN_PLACE, level=3, roles=_FACETED),
    Field("township", "township", "乡镇（街道）", ("镇", "乡", "乡镇", "街道"), "坪山镇", UNKNOWN_PLACE,
          level=4, roles=_FACETED),
    Field("section", "section", "章节类别", ("章节",), "不足", roles=_roles(FACET, PASSAGE_LEVEL, EXPORT)),
    Field("doc_type", "type", "文件类型", ("类型", "文种"), "年度报告", description="文种，如 年度报告",
          roles=_FACETED),
    Field("title", "title", "标题", description="标题；原文无标题时为本库拟定的 [标签]",
          roles=_roles(SIDECAR, REVIEW, INDEXED, EXPORT, JSON, GROUP)),
    Field("issuer", "issuer", "发文机关", description="发文机关；原文未写时为本库拟定的 [机关]",
          roles=_roles(SIDECAR, REVIEW, JSON)),
    Field("issue_date", "issue_date", "成文日期", kind="date", description="成文日期（YYYY-MM-DD）或空",
          roles=_roles(SIDECAR, INDEXED, JSON, GROUP)),
    Field("division_code", "division_code", "行政区划代码", roles=_roles(SIDECAR)),
)
BY_COLUMN: dict[str, Field] = {f.column: f for f in FIELDS}


def having(role: str) -> tuple[Field, ...]:
    """The fields playing ``role``, in registry order (the sidebar's order)."""
    return tuple(f for f in FIELDS if f.has(role))


def columns(role: str) -> tuple[str, ...]:
    """The column names of the fields playing ``role``."""
    return tuple(f.column for f in having(role))


FACET_COLUMNS = columns(FACET)
REPORT_FACETS = tuple(f.column for f in having(FACET) if not f.has(PASSAGE_LEVEL))
PLACE_COLUMNS = tuple(f.column for f in sorted((f for f in FIELDS if f.level), key=lambda f: f.level))

COUNTY_LEVEL = BY_COLUMN["county"].level


def place_name(record: object, widest: int = 1) -> str:
    """``record``'s place (its province … township attributes or keys, from level ``widest``
    down) as one string, the way Chinese addresses are written: empty parts and repeats dropped
    (a municipality such as 重庆市 is both province and city). The one place string of the archive."""
    parts: list[str] = []
    for column in PLACE_COLUMNS[widest - 1:]:
        value = record.get(column) if isinstance(record, Mapping) else getattr(record, column, "")
        part = str(value or "")
        if part and part not in parts:
            parts.append(part)
    return "".join(parts)


# Result orders: key → label. Relevance needs words; without them it lists like ``year``.
SORTS: dict[str, str] = {"relevance": "相关度", "year": "年份（新→旧）", "place": "地区"}


def sort_columns(sort: str) -> tuple[tuple[str, bool], ...]:
    """``(column, descending)`` pairs a listing is ordered by: newest year first then place from
    province down, or place first then newest year (an unknown year after every known one)."""
    year = (("year", True),)
    places = tuple((column, False) for column in PLACE_COLUMNS)
    return places + year if sort == "place" else year + places
