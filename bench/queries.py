"""The query set: what users of this archive type, in the proportions that stress an engine.

Five families, because each stresses a different path: domain terms (rare to very common, the
ranked path and big facet counts), township names (the rarest real words), quoted literal
substrings of 2–12 characters sampled from the texts (the literal path, including 2-character
strings a trigram index cannot answer alone), multi-word AND queries, and filtered queries
(year / county / township) that narrow a common term. The query text uses the project's
syntax, which Whoosh's QueryParser reads the same way.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass

from archive.normalize import fold_for_match

from .passages import PassageRecord

DOMAIN_TERMS = (
    "枫桥经验", "法律明白人", "矛盾纠纷", "双随机一公开", "合法性审查", "行政复议", "人民调解",
    "一村一法律顾问", "依法行政", "法律顾问", "行政执法", "信访", "宪法", "普法", "重大行政决策",
    "民主法治示范村", "执法全过程记录", "法治政府",
)
MULTI_WORD = (
    ("矛盾纠纷", "人民调解"), ("法律顾问", "合法性审查"), ("枫桥经验", "信访"),
    ("行政执法", "培训", "执法人员"), ("普法", "宪法"),
)
LITERAL_LENGTHS = (2, 2, 3, 3, 4, 4, 5, 6, 7, 8, 10, 12)
FILTER_TERMS = ("矛盾纠纷", "法治", "行政执法", "依法行政")
# Literal samples avoid punctuation and spaces: query syntax, not matching, would differ.
PLAIN = re.compile(r"^[\u4e00-\u9fff0-9]+$")


@dataclass(frozen=True)
class BenchQuery:
    """One query: as typed, and as the ground truth reads it.

    ``words`` are literal strings (folded) every matching passage must contain; ``filters`` are
    (facet, value) pairs it must carry.
    """

    family: str
    text: str
    words: tuple[str, ...]
    filters: tuple[tuple[str, str], ...] = ()


def _literal_samples(records: list[PassageRecord], rng: random.Random) -> list[BenchQuery]:
    """Quoted substrings cut at random places of random passages, retried until plain."""
    found: list[BenchQuery] = []
    for length in LITERAL_LENGTHS:
        while True:
            text = rng.choice(records).text
            if len(text) <= length:
                continue
            start = rng.randrange(len(text) - length)
            piece = text[start:start + length]
            if PLAIN.match(piece):
                found.append(BenchQuery(f"literal-{length}", f'"{piece}"', (fold_for_match(piece),)))
                break
    return found


def _filtered(records: list[PassageRecord], rng: random.Random) -> list[BenchQuery]:
    """A common term narrowed by year, by a county, by a township (places of real passages)."""
    some = rng.choice(records)
    other = rng.choice(records)
    specs = (("year", str(rng.choice(range(2020, 2026)))), ("county", some.county),
             ("township", other.township), ("year", "2023"))
    queries: list[BenchQuery] = []
    for term, (field, value) in zip(FILTER_TERMS, specs, strict=True):
        if value:
            queries.append(BenchQuery(f"filtered-{field}", f"{term} {field}:{value}", (term,),
                                      ((field, value),)))
    return queries


def _place_names(records: list[PassageRecord], rng: random.Random) -> list[BenchQuery]:
    """Township names found in passage text: the rarest real terms (a few reports each)."""
    names = sorted({r.township for r in records if r.township and r.township in r.text})
    chosen = rng.sample(names, min(2, len(names)))
    return [BenchQuery("rare", name, (fold_for_match(name),)) for name in chosen]


def build_queries(records: list[PassageRecord], seed: int) -> list[BenchQuery]:
    """The whole set, deterministic for a given passage table and seed."""
    rng = random.Random(f"{seed}:queries")
    queries = [BenchQuery("term", term, (fold_for_match(term),)) for term in DOMAIN_TERMS]
    queries += _place_names(records, rng)
    queries += _literal_samples(records, rng)
    queries += [BenchQuery("multi", " ".join(words), tuple(map(fold_for_match, words)))
                for words in MULTI_WORD]
    queries += _filtered(records, rng)
    return queries
