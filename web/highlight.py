"""Mark a query's words in report text for the reader and the comparison, safely.

The reader shows whole passages, not snippets, but marks them by the snippets' own rule
(``indexer.results.snippets.match_spans``: folded substrings, overlaps merged), so what search found
is what gets marked. The text is escaped first and only our own tags are added, so report
text can never inject markup.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from itertools import pairwise

from markupsafe import Markup, escape

from archive.errors import ArchiveError
from indexer.results.snippets import match_spans

_TOKEN = re.compile(r'"([^"]*)"?|(\S+)')
_OPERATORS = {"OR", "AND", "NOT", "同段", "同句", "|", "&"}
_FIELD = re.compile(r"^[A-Za-z_]+:")
MAX_TERMS = 20


def query_terms(query: str, passage: bool | None = None) -> list[str]:
    """The words a matching passage contains, longest first (a phrase wins over its own words);
    for pasted text (``indexer.matching.pasted``, ``passage`` as the search was told) all its clauses.

    Uses the indexer's own parser, so the reader marks exactly what search matched; a query
    it rejects still gets a best-effort reading here, because a reader page must not fail.
    """
    try:
        from indexer.analysis.query import parse
        from indexer.matching import pasted
    except ImportError:
        return simple_terms(query)
    try:
        clauses = pasted.reading(query or "", passage)
        if clauses is not None:
            return sorted(clauses, key=len, reverse=True)
        terms = [t for t in parse(query or "").positive_literals() if t.strip()]
    except ArchiveError:
        return simple_terms(query)
    terms.sort(key=len, reverse=True)
    return terms[:MAX_TERMS]


def simple_terms(query: str) -> list[str]:
    """Fallback reading: quotes unwrapped; ``-x``, ``field:x`` and operators dropped."""
    terms: list[str] = []
    for match in _TOKEN.finditer(query or ""):
        phrase, word = match.group(1), match.group(2)
        if phrase is not None:
            candidate = phrase.strip()
        else:
            if word.startswith("-") or _FIELD.match(word) or word.upper() in _OPERATORS:
                continue
            candidate = word.strip("()（）+")
            for op in ("同段", "同句"):
                candidate = candidate.removeprefix(op).strip("()（）:：")
        if candidate and candidate not in terms:
            terms.append(candidate)
    terms.sort(key=len, reverse=True)
    return terms[:MAX_TERMS]


def highlight(
    text: str, terms: list[str], lead: int = 0, lead_id: str = "",
    muted: Sequence[tuple[int, int, Markup]] = (), muted_class: str = "tpl",
    figures: Sequence[tuple[int, int, str, bool]] = (),
) -> Markup:
    """``text`` escaped, with each match wrapped in ``<mark>``; safe to render as-is.

    The first ``lead`` characters (an inline heading, ``reports.Block.lead``) are wrapped in
    ``<span class="inline-heading" id=lead_id>``; a match running across its end is marked on
    both sides, so the tags nest properly. Each ``(start, end, note)`` of ``muted`` (template
    text, ``indexer.analysis.templates``; the clauses compared reports share, ``indexer.analysis.shared``) is
    wrapped in ``<span class="{muted_class}">`` and followed by ``note``; each ``(start, end,
    label, current)`` of ``figures`` (a figure of the indicator table) in ``<span class="figure"
    title=label>``, ``is-current`` when the page was opened at it; text is cut at every
    boundary, so marks, figures, muted spans and the heading nest properly too.
    """
    edges = [edge for start, end, *_ in (*muted, *figures) for edge in (start, end)]
    cuts = sorted({0, len(text), *([lead] if 0 < lead < len(text) else []),
                   *(edge for edge in edges if 0 < edge < len(text))})
    spans = match_spans(text, terms) if terms else []
    out: list[str] = []
    for a, b in pairwise(cuts):
        piece = _marked(text, a, b, spans)
        figure = next(((label, now) for start, end, label, now in figures if start <= a and b <= end), None)
        if figure is not None:
            label, current = figure
            css = "figure is-current" if current else "figure"
            piece = f'<span class="{css}" title="{escape(label)}">{piece}</span>'
        around = next(((end, note) for start, end, note in muted if start <= a and b <= end), None)
        if around is not None:
            note = str(around[1]) if b == around[0] else ""
            piece = f'<span class="{escape(muted_class)}">{piece}</span>{note}'
        if lead and a < lead:
            ident = f' id="{escape(lead_id)}"' if a == 0 else ""
            piece = f'<span class="inline-heading"{ident}>{piece}</span>'
        out.append(piece)
    return Markup("".join(out))


def _marked(text: str, start: int, end: int, spans: list[tuple[int, int]]) -> str:
    """``text[start:end]`` escaped, with the parts inside ``spans`` wrapped in ``<mark>``."""
    out: list[str] = []
    cursor = start
    for a, b in spans:
        a, b = max(a, start), min(b, end)
        if a >= b:
            continue
        out.append(str(escape(text[cursor:a])))
        out.append(f"<mark>{escape(text[a:b])}</mark>")
        cursor = b
    out.append(str(escape(text[cursor:end])))
    return "".join(out)
