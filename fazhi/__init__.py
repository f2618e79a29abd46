"""The application layer of the Fazhi Archive, above ``archive`` (files → store) and ``indexer``
(store → search): ``operations.Archive`` (every operation, one engine per process), ``follow``
(a web node's index following a shared store) and ``cli`` (``python -m fazhi``)."""
