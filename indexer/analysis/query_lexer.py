"""Reading what a user types into tokens: quotes, parentheses, exclusions, ``OR``, 同句/同段 and
``field:value`` filters, with the words and signs the query language accepts.

Apart from the parser (``indexer.analysis.query``) because reading characters and building the tree are
two jobs: here every typed character, control characters and lone surrogates included, becomes a
token or a ``QuerySyntaxError`` with a Chinese message, never another exception (a 500). The web
form and the API take their field names from here too (``FIELD_SPECS``).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from archive.errors import QuerySyntaxError
from archive.fields import FACET, having

QUOTES = {'"': '"', "“": "”", "「": "」", "『": "』", "＂": "＂", "”": "”"}
OPEN_PARENS = "(（"
CLOSE_PARENS = ")）"
NOT_SIGNS = "-－"
COLONS = ":："
WORD_BREAKS = frozenset(" " + "".join(QUOTES) + OPEN_PARENS + CLOSE_PARENS)
PROXIMITY = {"同句": "sentence", "同段": "passage"}
OR_WORDS = {"OR", "|", "｜", "或"}

# The filterable fields, from the registry (``archive.fields``): name, label, aliases, example.
FIELD_SPECS = having(FACET)
FIELDS = {spec.column: spec for spec in FIELD_SPECS}
FIELD_ALIASES = {
    alias: spec.column
    for spec in FIELD_SPECS
    for alias in (spec.name, spec.column, *spec.aliases)
}
# ``title:`` / ``heading:`` narrow a search to report titles / headings (``indexer.index.literal_sql``).
SCOPES = {"title": "title", "标题": "title", "题名": "title", "heading": "heading", "小标题": "heading"}
SCOPE_EXAMPLES = {"title": "实施方案", "heading": "枫桥经验"}
# ``original:yes`` (also 特色:是 / 原创:是, and the search form's ``original=yes``): only passages
# where the query holds in sentences that are not template text. Not a facet column: a flag of
# the query (``ParsedQuery.original``).
ORIGINAL = "original"
ORIGINAL_NAMES = frozenset({ORIGINAL, "特色", "原创", "特色做法"})
ORIGINAL_YES = frozenset({"yes", "y", "true", "1", "是", "只看", "仅"})
ORIGINAL_EXAMPLE = f"{ORIGINAL}:yes（或 特色:是）"
# ``indicator:行政诉讼`` (also 指标:): only passages with a figure of the measures it names (a flag
# of the query like ``original``; ``ParsedQuery.indicators`` holds the measures' names).
INDICATOR = "indicator"
INDICATOR_NAMES = frozenset({INDICATOR, "指标"})
INDICATOR_EXAMPLE = f"{INDICATOR}:行政诉讼（或 指标:调解）"


@dataclass(frozen=True)
class Token:
    kind: str  # word | phrase | or | not | lparen | rparen | field | prox
    text: str = ""
    name: str = ""


def spaced_controls(raw: str) -> str:
    """Control and format characters become spaces, so pasted text never breaks parsing (a NUL
    would end an FTS5 query string early), read as a query or as pasted clauses.

    Lone surrogates ("Cs": undecodable bytes of a command-line argument) too: SQLite cannot
    encode them, and they match nothing anyway.
    """
    return "".join(
        " " if unicodedata.category(char) in ("Cc", "Cf", "Cs", "Zl", "Zp") or char.isspace() else char
        for char in raw
    )


def _read_quoted(text: str, start: int) -> tuple[str, int]:
    """The phrase opened at ``text[start]`` and the index after its closing quote."""
    closing = QUOTES[text[start]]
    end = text.find(closing, start + 1)
    if end < 0 and text[start] in "“”":
        end = text.find('"', start + 1)
    if end < 0:
        raise QuerySyntaxError(f"引号没有配对：{text[start:start + 20]}… 请补上结束引号。")
    return text[start + 1:end], end + 1


def lex(text: str) -> list[Token]:
    tokens: list[Token] = []
    i, n = 0, len(text)
    while i < n:
        char = text[i]
        if char == " ":
            i += 1
        elif char in QUOTES:
            phrase, i = _read_quoted(text, i)
            tokens.append(Token("phrase", phrase))
        elif char in OPEN_PARENS:
            tokens.append(Token("lparen"))
            i += 1
        elif char in CLOSE_PARENS:
            tokens.append(Token("rparen"))
            i += 1
        elif char in NOT_SIGNS and (i + 1 < n and text[i + 1] not in " " + CLOSE_PARENS):
            tokens.append(Token("not"))
            i += 1
        elif char in NOT_SIGNS:
            raise QuerySyntaxError("减号“-”表示排除，后面要紧跟要排除的词，例如：法治 -培训。")
        else:
            j = i
            while j < n and text[j] not in WORD_BREAKS:
                j += 1
            word = text[i:j]
            if word in PROXIMITY and j < n and text[j] in OPEN_PARENS:
                tokens.append(Token("prox", name=PROXIMITY[word]))
            elif (fielded := _field_token(text, word, j)) is not None:
                tok, j = fielded
                tokens.append(tok)
            elif word in OR_WORDS:
                tokens.append(Token("or"))
            elif word != "AND":
                tokens.append(Token("word", word))
            i = j
    return tokens


def _field_token(text: str, word: str, end: int) -> tuple[Token, int] | None:
    """``name:value`` as a field token, or None when ``word`` is an ordinary word."""
    colon = next((k for k, char in enumerate(word) if char in COLONS), -1)
    if colon <= 0:
        return None
    name, value = word[:colon], word[colon + 1:]
    if (scope := SCOPES.get(name.lower())) is not None:
        value, end = _field_value(text, value, end)
        if not value:
            raise QuerySyntaxError(f"“{name}:”后面缺少要查找的词，例如 {name}:{SCOPE_EXAMPLES[scope]}。")
        return Token("scope", value, scope), end
    column = flag_or_field(name)
    if column is None:
        if name.isascii() and name.isalpha() and not value.startswith("//"):
            raise QuerySyntaxError(f"不认识的字段“{name}”。可用的字段：{field_names()}。")
        return None
    value, end = _field_value(text, value, end)
    if not value and column == ORIGINAL:
        raise QuerySyntaxError(f"“{name}:”后面缺少取值，例如 {ORIGINAL_EXAMPLE}。")
    if not value and column == INDICATOR:
        raise QuerySyntaxError(f"“{name}:”后面缺少指标名称，例如 {INDICATOR_EXAMPLE}。")
    if not value:
        spec = FIELDS[column]
        raise QuerySyntaxError(f"字段“{name}:”后面缺少要筛选的{spec.label}，例如 {name}:{spec.example}。")
    return Token("field", value, column), end


def flag_or_field(name: str) -> str | None:
    """The filter a ``name:`` stands for: a query flag (``original``, ``indicator``) or a field."""
    if name.lower() in ORIGINAL_NAMES:
        return ORIGINAL
    if name.lower() in INDICATOR_NAMES:
        return INDICATOR
    return FIELD_ALIASES.get(name.lower())


def _field_value(text: str, value: str, end: int) -> tuple[str, int]:
    """A field's value (quoted after the colon, or as written) and the index after it."""
    if not value and end < len(text) and text[end] in QUOTES:
        value, end = _read_quoted(text, end)
    return value.strip(), end


def field_names() -> str:
    """Every field with its Chinese names and an example, for messages and the syntax help."""
    return "；".join(
        f"{spec.name}（{'/'.join(spec.aliases)}）如 {spec.name}:{spec.example}" for spec in FIELD_SPECS
    )

