"""Ranking, all of it: the live generation a request reads (``live``), the pre-rank in
SQLite (``prerank``, read ``beside`` the match set), BM25F over the jieba field
(``bm25f``) and the order of a search's reports (``order``).
"""
