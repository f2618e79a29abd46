"""The query language: parse what a user types into an exact-match tree plus metadata filters.

The characters are read into tokens by ``indexer.analysis.query_lexer``; the tree built here is that of
``indexer.analysis.query_tree``, which is all the matchers see.

Syntax (every word is matched literally after ``fold_for_match``; see ``indexer.index.literal_sql``)::

    枫桥经验 调解            both words in the same passage (AND, ranked); 同段 is the default unit
    "法治政府建设"           exact phrase; also 「…」 “…” 『…』; spaces inside are kept
    人民调解 OR 诉源治理     either (also ``|``); OR binds tighter than the implicit AND
    法律明白人 -培训         exclude passages containing 培训 (also -"phrase", -(a OR b))
    (网格员 OR 网格化) 矛盾纠纷   parentheses group
    同句(法律明白人 培训)    all words within one sentence (split at 。！？；and line ends)
    同段(法律明白人 培训)    all words within one passage (same as writing them side by side)
    year:2023  year:2024年  year:2022..2024  year:2024..2022 (reversed ranges are swapped)
    province:重庆市 city:… county:垫江县 township:坪山镇 section:不足 type:年度报告
    title:实施方案  heading:"枫桥经验"   only report titles / only headings containing the words
                                         (aliases 标题 题名 / 小标题; not both in one query)
    (Chinese names, see ``FIELD_SPECS``: 年份：2023  县：潢川县  镇：坪山镇 …; value may be quoted.)
    county:潢川  township:坪山   a short place name means every name in the index starting with it
    county:地区不详  year:年份不详   reports whose place / year is not known
    original:yes  特色:是      only passages where the query holds in the township's own sentences
                               (its 通用表述 template sentences left out, ``indexer.analysis.wording``);
                               only removes matches
    indicator:行政诉讼  指标：调解   only passages giving a figure of the measures the name stands for
                               (``indexer.analysis.measures.resolve``; the figures:
                               ``indexer.index.indicator_table``)

Repeating a field ORs its values (``county:A county:B``); different fields AND. Field filters
stand at the top level only. ``AND`` is accepted and ignored (it is the default).
Interpretations chosen instead of errors: control characters count as spaces; a ``word:value``
whose prefix is not an ASCII field name (``时间:2023``, ``http://…``) is an ordinary word; a
query of only exclusions means "everything except"; a place name found nowhere in the index is
kept (it finds nothing) with a note naming places that exist.
Pasted text (two or more long clauses between ，。；！？) is not parsed here: ``indexer.matching.pasted``
reads it as its clauses. A filter given several values (``filters={"year": ["2023", "2024"]}``)
means any of them, like a repeated field.
Errors (``QuerySyntaxError``, message in Chinese): unbalanced quotes or parentheses, an operator
with nothing to act on, an empty phrase, an unknown ASCII field, a bad year, a section or type
that does not exist, too long a query. Every message about a field shows a valid example of it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from archive.document import DOC_TYPES, SECTION_KINDS
from archive.errors import QuerySyntaxError
from archive.fields import MAX_QUERY_CHARS, PLACE_COLUMNS, UNKNOWN_PLACE, UNKNOWN_YEAR
from archive.normalize import fold_for_match

from .measures import MEASURES, resolve
from .query_lexer import (
    FIELDS,
    INDICATOR,
    INDICATOR_EXAMPLE,
    ORIGINAL,
    ORIGINAL_EXAMPLE,
    ORIGINAL_YES,
    Token,
    field_names,
    flag_or_field,
    lex,
    spaced_controls,
)
from .query_tree import AllOf, AnyOf, Literal, Node, Not, ParsedQuery, SameSentence

MAX_TERMS = 40
# Nested parentheses compile to nested SQL (NOT (… NOT (…))); SQLite's parser overflows near
# 100 levels, and no real query needs more than a few.
MAX_NESTING = 20
# Values present in the index, per filter column: what short names resolve against.
Vocabulary = Mapping[str, Sequence[str]]
YEAR_RANGE = re.compile(r"^(\d{4})?\s*(?:\.\.|~|～|至|到|-)\s*(\d{4})?$")
YEAR_SUFFIX = re.compile(r"(\d{4})\s*年度?")  # 2024年 / 2024年度 → 2024 (also inside a range)
# A short name resolving to more places than this is still applied to all, but the note lists these.
MAX_RESOLVED = 5


class _Parser:
    """Recursive descent over the token list; builds the tree and collects the filters."""

    def __init__(self, tokens: list[Token], vocabulary: Vocabulary | None) -> None:
        self.tokens = tokens
        self.vocabulary = vocabulary
        self.notes: list[str] = []
        self.pos = 0
        self.filters: dict[str, list[str]] = {}
        self.year_range: tuple[int, int] | None = None
        self.terms = 0
        self.scope: str | None = None
        self.original = False
        self.indicators: list[str] = []

    def peek(self) -> Token | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def take(self) -> Token:
        tok = self.tokens[self.pos]
        self.pos += 1
        return tok

    def parse_sequence(self, depth: int) -> Node | None:
        parts: list[Node] = []
        while (tok := self.peek()) is not None:
            if tok.kind == "rparen":
                if depth == 0:
                    raise QuerySyntaxError("多了一个右括号“)”，括号需要成对出现。")
                break
            if tok.kind in ("field", "scope"):
                if depth:
                    raise QuerySyntaxError(
                        "字段筛选（如 year:2023）不能放在括号或 OR 里，请写在检索式最外层。"
                    )
                self.take()
                if tok.kind == "scope":
                    parts.append(self.scoped(tok.name, tok.text))
                else:
                    self.add_filter(tok.name, tok.text)
                continue
            parts.append(self.parse_or(depth))
        if not parts:
            return None
        return parts[0] if len(parts) == 1 else AllOf(tuple(parts))

    def parse_or(self, depth: int) -> Node:
        options = [self.parse_unary(depth)]
        while (tok := self.peek()) is not None and tok.kind == "or":
            self.take()
            nxt = self.peek()
            if nxt is None or nxt.kind in ("or", "rparen"):
                raise QuerySyntaxError("OR 的两边都需要检索词，例如：人民调解 OR 诉源治理。")
            if nxt.kind in ("field", "scope"):
                raise QuerySyntaxError("字段筛选（如 year:2023）不能放在 OR 里；重复写同一字段即表示“或”。")
            options.append(self.parse_unary(depth))
        return options[0] if len(options) == 1 else AnyOf(tuple(options))

    def parse_unary(self, depth: int) -> Node:
        tok = self.take()
        if tok.kind == "not":
            nxt = self.peek()
            if nxt is None or nxt.kind in ("or", "rparen", "not", "field", "scope"):
                raise QuerySyntaxError("减号“-”表示排除，后面要紧跟要排除的词，例如：法治 -培训。")
            return Not(self.parse_unary(depth))
        if tok.kind in ("word", "phrase"):
            return self.literal(tok.text)
        if tok.kind == "lparen":
            if depth >= MAX_NESTING:
                raise QuerySyntaxError(f"括号嵌套太深（最多 {MAX_NESTING} 层）。")
            inner = self.parse_sequence(depth + 1)
            self.expect_rparen()
            if inner is None:
                raise QuerySyntaxError("括号里没有检索词。")
            return inner
        if tok.kind == "prox":
            return self.parse_proximity(tok.name)
        if tok.kind == "or":
            raise QuerySyntaxError("OR 的两边都需要检索词，例如：人民调解 OR 诉源治理。")
        raise QuerySyntaxError("检索式无法理解，请检查括号和引号。")

    def parse_proximity(self, unit: str) -> Node:
        self.take()  # the "(" that made this a proximity token
        words: list[str] = []
        while (tok := self.peek()) is not None and tok.kind in ("word", "phrase"):
            self.take()
            literal = self.literal(tok.text)
            words.append(literal.text)
        self.expect_rparen()
        label = "同句" if unit == "sentence" else "同段"
        if not words:
            raise QuerySyntaxError(f"{label}( ) 里需要至少一个检索词，例如：{label}(法律明白人 培训)。")
        if unit == "passage" or len(words) == 1:
            return Literal(words[0]) if len(words) == 1 else AllOf(tuple(Literal(w) for w in words))
        return SameSentence(tuple(words))

    def expect_rparen(self) -> None:
        tok = self.peek()
        if tok is None or tok.kind != "rparen":
            if tok is not None and tok.kind in ("or", "not", "lparen", "prox", "field"):
                raise QuerySyntaxError(
                    "同句( ) / 同段( ) 里只能写检索词或引号短语，不能再用 OR、减号或括号。"
                )
            raise QuerySyntaxError("括号没有配对：缺少右括号“)”。")
        self.take()

    def literal(self, raw: str) -> Literal:
        text = fold_for_match(raw.strip())
        if not text:
            raise QuerySyntaxError("引号里没有内容。")
        self.terms += 1
        if self.terms > MAX_TERMS:
            raise QuerySyntaxError(f"检索词太多（最多 {MAX_TERMS} 个）。")
        return Literal(text)

    def scoped(self, scope: str, value: str) -> Literal:
        """``title:``/``heading:``: the word must occur, and only places of that kind match."""
        if self.scope not in (None, scope):
            raise QuerySyntaxError(
                "title:（标题）与 heading:（小标题）不能同时使用：一处文字不会既是报告标题又是小标题。"
            )
        self.scope = scope
        return self.literal(value)

    def add_filter(self, column: str, value: str) -> None:
        if column == ORIGINAL:
            self.add_original(value)
        elif column == INDICATOR:
            self.add_indicator(value)
        elif column == "year":
            self.add_year(value)
        elif column in PLACE_COLUMNS:
            values, note = resolve_place(column, value, (self.vocabulary or {}).get(column))
            self.filters.setdefault(column, []).extend(values)
            if note:
                self.notes.append(note)
        else:
            self.filters.setdefault(column, []).extend(_canonical_values(column, value))

    def add_original(self, value: str) -> None:
        """``original:yes``: a yes is the only value (leaving the field out means "all passages")."""
        if fold_for_match(value).strip() not in ORIGINAL_YES:
            raise QuerySyntaxError(
                f"“original:{value}”看不懂：只看特色做法请写 {ORIGINAL_EXAMPLE}；不加此项即包括通用表述。"
            )
        self.original = True

    def add_indicator(self, value: str) -> None:
        """``indicator:行政诉讼``: the measures the value names; a name of none is an error (it
        could only find nothing), and a partial one is said in a note."""
        measures = resolve(value)
        if not measures:
            raise QuerySyntaxError(
                f"没有指标“{value}”。可选：{'、'.join(m.name for m in MEASURES)}；例如 {INDICATOR_EXAMPLE}。")
        names = [m.name for m in measures]
        self.indicators.extend(name for name in names if name not in self.indicators)
        if names != [value]:
            self.notes.append(f"{INDICATOR}:{value} 按指标“{'、'.join(names)}”检索。")

    def add_year(self, value: str) -> None:
        value = YEAR_SUFFIX.sub(r"\1", fold_for_match(value).strip())
        if value in (UNKNOWN_YEAR, "不详"):
            self.filters.setdefault("year", []).append("")
            return
        if re.fullmatch(r"\d{4}", value):
            self.filters.setdefault("year", []).append(value)
            return
        match = YEAR_RANGE.match(value)
        if not match or not (match.group(1) or match.group(2)):
            raise QuerySyntaxError(
                f"年份“{value}”看不懂：请写四位数字，如 year:2023、year:2024年 或 year:2022..2024；"
                f"年份不详的报告用 year:{UNKNOWN_YEAR}。"
            )
        low = int(match.group(1) or 0)
        high = int(match.group(2) or 9999)
        low, high = min(low, high), max(low, high)
        if self.year_range is not None:
            low, high = max(low, self.year_range[0]), min(high, self.year_range[1])
        self.year_range = (low, high)


def resolve_place(column: str, value: str, present: Sequence[str] | None) -> tuple[list[str], str]:
    """The stored place names ``value`` stands for, and a note saying so (or ``""``).

    Users write names the way they say them: ``潢川`` for 潢川县, ``坪山`` for 坪山镇. An exact
    stored name is taken as is; otherwise every name present in the index that starts with the
    value (or, for two characters or more, contains it) is meant, and the note tells the user
    what it was resolved to, so a filter never finds nothing in silence. ``地区不详`` selects
    the reports whose place is not known. Without ``present`` (no index) the value is kept.
    """
    spec = FIELDS[column]
    if value in (UNKNOWN_PLACE, "不详"):
        return [""], ""
    if present is None or value in present:
        return [value], ""
    folded = fold_for_match(value)
    names = [name for name in present if name]
    found = [name for name in names if fold_for_match(name).startswith(folded)]
    if not found and len(folded) >= 2:
        found = [name for name in names if folded in fold_for_match(name)]
    if found:
        shown = "、".join(found[:MAX_RESOLVED]) + ("等" if len(found) > MAX_RESOLVED else "")
        return found, f"{spec.name}:{value} 按{spec.label}“{shown}”检索。"
    examples = "、".join(f"{spec.name}:{name}" for name in names[:3]) or f"{spec.name}:{spec.example}"
    return [value], f"索引中没有{spec.label}“{value}”，所以没有结果；可用的写法例如 {examples}。"


def _canonical_values(column: str, value: str) -> list[str]:
    """Filter values as stored. ``section`` and ``type`` accept a part of a canonical name;
    a value matching none is refused with the names that exist (it could only find nothing)."""
    vocabulary = {"section": SECTION_KINDS, "doc_type": DOC_TYPES}[column]
    if value in vocabulary:
        return [value]
    folded = fold_for_match(value)
    matches = [name for name in vocabulary if folded in name]
    if not matches:
        spec = FIELDS[column]
        raise QuerySyntaxError(
            f"没有{spec.label}“{value}”。可选：{'、'.join(vocabulary)}，例如 {spec.name}:{spec.example}。"
        )
    return matches


def parse(
    query: str,
    filters: Mapping[str, str | Sequence[str]] | None = None,
    vocabulary: Vocabulary | None = None,
) -> ParsedQuery:
    """Parse ``query`` and merge ``filters`` (as the web form sends them); never raises anything
    but ``QuerySyntaxError``. ``vocabulary`` (the place names present in the index) lets short
    place names resolve; the service passes it, the pure parser tests need not."""
    if not isinstance(query, str):
        raise QuerySyntaxError("检索式必须是文字。")
    if len(query) > MAX_QUERY_CHARS:
        raise QuerySyntaxError(f"检索式太长（{len(query)} 字），最多 {MAX_QUERY_CHARS} 字。")
    text = spaced_controls(query).strip()
    parser = _Parser(lex(text), vocabulary)
    match = parser.parse_sequence(0)
    for key, values in (filters or {}).items():
        column = flag_or_field(str(key))
        if column is None:
            raise QuerySyntaxError(f"不认识的筛选项“{key}”。可用的筛选项：{field_names()}。")
        for value in [values] if isinstance(values, str | int) else list(values):
            if str(value).strip():
                parser.add_filter(column, str(value).strip())
    merged = {name: tuple(dict.fromkeys(values)) for name, values in parser.filters.items()}
    return ParsedQuery(text=text, match=match, filters=merged, year_range=parser.year_range,
                       notes=list(dict.fromkeys(parser.notes)), scope=parser.scope,
                       original=parser.original, indicators=tuple(parser.indicators))
