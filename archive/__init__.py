"""The archive: files → store. Packages by role: ``reading`` (files → display text),
``describing`` (display text → ``ParsedReport``), ``store`` (SQLAlchemy, ingest), ``harvest``
(portals → ingest) and ``citation`` (pure citation formatting); the modules every one of them
shares at the top: ``config``, ``errors``, ``fields``, ``document``, ``normalize``, ``cache``.
"""
