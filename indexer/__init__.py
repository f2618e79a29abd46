"""Search for the archive: exact literal matching + jieba/Whoosh ranking + facets.

Modules, one job each: ``analysis`` (jieba tokenizer), ``schema`` (Whoosh fields), ``literal``
(exact-match FTS5 trigram side table), ``literal_sql`` (a query as exact SQL over that table),
``generation`` (build aside / atomic swap / writer lock), ``build`` (rebuild and incremental
update from the store), ``build_rows`` (the store's reports as rows of both structures),
``query`` (query language), ``ranking`` (BM25F inside the match set), ``facets``, ``snippets``,
``templates`` (template text marks), ``practices``, ``suggest`` (did-you-mean) and ``service``
(the search API). Public entry points: ``indexer.service.SearchService`` and
``indexer.build.rebuild`` / ``update``.
"""
