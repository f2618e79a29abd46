"""The tree a parsed query becomes: what every search path (literal tables, fast paths, template
wording) walks to decide whether a passage matches.

Apart from the parser (``indexer.analysis.query``), which turns whatever a user types into this tree or a
``QuerySyntaxError`` (never a 500), so that the matchers, which only read a parsed query, depend
on these few plain types and not on how a typed query is read.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Literal:
    """A word or phrase, already folded: matches passages whose folded text contains it."""

    text: str


@dataclass(frozen=True)
class AllOf:
    parts: tuple[Node, ...]


@dataclass(frozen=True)
class AnyOf:
    parts: tuple[Node, ...]


@dataclass(frozen=True)
class Not:
    part: Node


@dataclass(frozen=True)
class SameSentence:
    """All words inside one sentence of the passage."""

    words: tuple[str, ...]


Node = Literal | AllOf | AnyOf | Not | SameSentence


@dataclass
class ParsedQuery:
    """A parsed query: the literal match tree (None = everything) and metadata filters."""

    text: str
    match: Node | None
    filters: dict[str, tuple[str, ...]] = field(default_factory=dict)
    year_range: tuple[int, int] | None = None
    notes: list[str] = field(default_factory=list)  # how a filter was read (``county:潢川`` → 潢川县)
    scope: str | None = None  # "title" | "heading": only those places match (``query_lexer.SCOPES``)
    original: bool = False  # ``original:yes``: only the township's own sentences match (no title, heading)
    indicators: tuple[str, ...] = ()  # ``indicator:``: only passages giving a figure of these measures

    def positive_literals(self) -> list[str]:
        """Words that a matching passage contains (not under a NOT): highlighted and ranked."""
        return _literals(self.match, negated=False)

    def all_literals(self) -> list[str]:
        """Every word the condition tests, those under a NOT included."""
        return _literals(self.match, negated=True)


def _literals(match: Node | None, negated: bool) -> list[str]:
    """The words of a match tree, in order, once each (under a NOT only when ``negated``)."""
    out: list[str] = []

    def visit(node: Node | None) -> None:
        if isinstance(node, Literal):
            out.append(node.text)
        elif isinstance(node, AllOf | AnyOf):
            for part in node.parts:
                visit(part)
        elif isinstance(node, SameSentence):
            out.extend(node.words)
        elif isinstance(node, Not) and negated:
            visit(node.part)

    visit(match)
    return list(dict.fromkeys(out))


# --- sentence test used by 同句 -------------------------------------------------------------------

SENTENCE_BREAK = re.compile(r"[!?;\n\r]|(?<!\d)\.|\.(?!\d)")


def sentences_contain_all(folded: str, words: Sequence[str]) -> bool:
    """True when one sentence of ``folded`` contains every word (decimal points do not split)."""
    return any(all(word in sentence for word in words) for sentence in SENTENCE_BREAK.split(folded))

