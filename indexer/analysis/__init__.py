"""Analysis: what text says. A report's — jieba words (``tokenizer``), clauses and their near
copies, template text and the township's own particulars, figures and measures — and a
user's: the query language (``query_lexer`` → ``query`` → ``query_tree``).

Every Whoosh index pickles its schema, which names the ranked field's tokenizer and postings
format by the module they were defined in when it was built; indexes built while that was
``indexer.analysis`` (the module this package replaced) find them here, and open as they are
instead of being rebuilt from the store.
"""

from .tokenizer import JiebaFrequency, JiebaTokenizer

__all__ = ["JiebaFrequency", "JiebaTokenizer"]
