"""Search parameters from a URL and back: one canonical, shareable form for every search.

Why a module of its own: the HTML page, the JSON twin, the CSV export, the filter panel, the
chips and the pagination all have to agree on what a URL means, or a link would drift.

A search whose query string is longer than ``LONG_QUERY_BYTES`` (a pasted passage: a Chinese
character is 9 bytes of a URL) is not put in URLs: the search box posts it (``app.js``), and its
page states the search once, in a form its controls post (``overrides``), instead of repeating
the text in every link; proxies and servers cap the request line at 4–8 KB.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from urllib.parse import urlencode

from werkzeug.datastructures import MultiDict

from archive.errors import BadParams, QuerySyntaxError
from archive.fields import MAX_QUERY_CHARS, SORTS
from indexer.analysis.query_lexer import FIELD_SPECS, ORIGINAL
from indexer.matching import pasted

# URL parameter → the indexer's facet/filter key, in sidebar order (``type`` → ``doc_type``);
# last ``original`` (只看特色做法: only the township's own sentences), a filter that is no facet.
FILTER_PARAMS: dict[str, str] = {**{spec.name: spec.column for spec in FIELD_SPECS}, ORIGINAL: ORIGINAL}
FACET_LABELS: dict[str, str] = {spec.column: spec.label for spec in FIELD_SPECS}
PER_PAGE = 20
MAX_PAGE = 10_000
LONG_QUERY_BYTES = 1_500  # a longer query string is posted, not linked (see the module docstring)
# yes: read the query as pasted text; no: as the query language (``indexer.matching.pasted``)
PASSAGE = "passage"


Filters = dict[str, tuple[str, ...]]  # URL parameter name → its values, in the order given


@dataclass(frozen=True)
class SearchParams:
    """A search as the URL states it. A filter may have several values: a report with any of
    them is meant (``year=2023&year=2024``), while different filters must all hold."""

    q: str = ""
    filters: Filters = field(default_factory=dict)  # keyed by URL param name
    sort: str = "relevance"
    page: int = 1
    passage: bool | None = None  # read ``q`` as pasted text (True), as a query (False), or decide

    @classmethod
    def from_args(cls, args: MultiDict[str, str]) -> SearchParams:
        """Read and validate ``request.args``; raises ``BadParams`` with a Chinese message."""
        q = " ".join((args.get("q") or "").split())
        if len(q) > MAX_QUERY_CHARS:
            raise BadParams(f"检索式太长（{len(q)} 个字符，上限 {MAX_QUERY_CHARS}）")
        filters = {name: values for name in FILTER_PARAMS if (values := _values(args.getlist(name)))}
        sort = args.get("sort") or ("relevance" if q else "year")
        if sort not in SORTS:
            raise BadParams(f"不支持的排序方式：{sort}（可用：{'、'.join(SORTS)}）")
        raw_page = args.get("page") or "1"
        try:
            page = int(raw_page)
        except ValueError:
            raise BadParams(f"页码必须是正整数，而不是“{raw_page[:20]}”") from None
        if not 1 <= page <= MAX_PAGE:
            raise BadParams(f"页码超出范围（1–{MAX_PAGE}）")
        try:
            passage = pasted.choice(args.get(PASSAGE))
        except QuerySyntaxError as error:
            raise BadParams(str(error)) from None
        return cls(q=q, filters=filters, sort=sort, page=page, passage=passage)

    @property
    def is_everything(self) -> bool:
        """Neither words nor filters: the page browses the whole archive."""
        return not self.q and not self.filters

    def indexer_filters(self) -> dict[str, list[str]]:
        """Filters keyed as the indexer expects, each with its values."""
        return {FILTER_PARAMS[name]: list(values) for name, values in self.filters.items()}

    def to_args(self, **changes: object) -> dict[str, str | list[str]]:
        """Canonical query-string dict (a filter's values as a list, what ``url_for`` repeats);
        defaults are left out so URLs stay short and stable."""
        params = replace(self, **changes) if changes else self
        out: dict[str, str | list[str]] = {}
        if params.q:
            out["q"] = params.q
        for name in FILTER_PARAMS:
            if params.filters.get(name):
                out[name] = list(params.filters[name])
        default_sort = "relevance" if params.q else "year"
        if params.sort != default_sort:
            out["sort"] = params.sort
        if params.page != 1:
            out["page"] = str(params.page)
        if params.passage is not None:
            out[PASSAGE] = "yes" if params.passage else "no"
        return out

    def query_string(self, **changes: object) -> str:
        """``to_args`` encoded, a filter once per value."""
        return urlencode(self.to_args(**changes), doseq=True)

    def pairs(self) -> list[tuple[str, str]]:
        """``to_args`` as (name, value) pairs: the hidden inputs of a form stating the search."""
        return [(key, item) for key, value in self.to_args().items()
                for item in (value if isinstance(value, list) else [value])]

    @property
    def posted(self) -> bool:
        """Whether the search is too long for URLs: its page posts a form instead of linking."""
        return len(self.query_string()) > LONG_QUERY_BYTES

    def overrides(self, **changes: object) -> str:
        """Query string of only the parameters ``changes`` alter, each with its new values
        (empty when it goes): what a control of a posted page adds to the URL it posts the
        page's state form to (``web.search_views.search_args`` lets the URL win)."""
        old, new = self.to_args(), self.to_args(**changes)
        pairs: list[tuple[str, str]] = []
        for key in dict.fromkeys([*old, *new]):
            if old.get(key) != new.get(key):
                value = new.get(key, "")
                pairs.extend((key, item) for item in (value if isinstance(value, list) else [value]))
        return urlencode(pairs)

    def with_filter(self, name: str, value: str) -> str:
        """Query string with one filter set to ``value`` alone, back to page 1: what a bar of a
        chart does (that year, that province)."""
        return self.query_string(filters={**self.filters, name: (value,)}, page=1)

    def dropped(self, name: str, value: str) -> Filters:
        """The filters without one value of ``name``: what a chip's × does."""
        kept = {k: tuple(v for v in values if (k, v) != (name, value)) for k, values in self.filters.items()}
        return {k: values for k, values in kept.items() if values}

    def chips(self) -> list[tuple[str, str]]:
        """(param, value) of every filter value, in sidebar order: one chip each."""
        return [(name, value) for name in FILTER_PARAMS for value in self.filters.get(name, ())]


def _values(raw: list[str]) -> tuple[str, ...]:
    """A parameter's non-empty values, stripped, each once, in the order given."""
    return tuple(dict.fromkeys(value.strip() for value in raw if value.strip()))


def param_for_facet(facet: str) -> str:
    """URL parameter name of an indexer facet key (``doc_type`` → ``type``)."""
    for param, key in FILTER_PARAMS.items():
        if key == facet:
            return param
    return facet


def refine(args: MultiDict[str, str]) -> dict[str, str | list[str]] | None:
    """Canonical args for a search-box submission carrying context, or None when there is none.

    The search box always carries the current query (``prev``) and filters (``keep_<name>``).
    With "在结果中检索" ticked (``within``) they are kept and the new words ANDed to the old
    query; without it the new words start a fresh search. Either way the caller redirects to
    the canonical URL, so what ends in the address bar is shareable.
    """
    if "prev" not in args and "within" not in args:
        return None
    new_q = " ".join((args.get("q") or "").split())
    out: dict[str, str | list[str]] = {}
    if args.get("within"):
        prev = " ".join((args.get("prev") or "").split())
        combined = " ".join(x for x in (prev, new_q) if x)
        if combined:
            out["q"] = combined
        for name in FILTER_PARAMS:
            values = _values(args.getlist(f"keep_{name}"))
            if values:
                out[name] = list(values)
    elif new_q:
        out["q"] = new_q
    if args.get(ORIGINAL):  # the 只看特色做法 box says what it says, within or not
        out[ORIGINAL] = args[ORIGINAL]
    else:
        out.pop(ORIGINAL, None)
    if args.get("sort") in SORTS:
        out["sort"] = args["sort"]
    return out
