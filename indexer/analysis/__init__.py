"""Analysis: what text says. A report's — jieba words (``tokenizer``), clauses and their near
copies, template text and the township's own particulars, figures and measures — and a
user's: the query language (``query_lexer`` → ``query`` → ``query_tree``).
"""
