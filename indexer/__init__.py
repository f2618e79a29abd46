"""Search for the archive: exact literal matching, jieba/Whoosh BM25F ranking, exact facets.

Packages by role, each importing only those before it: ``analysis``, ``index`` (build and
check), ``results`` (types and wire form), ``ranking``, ``matching`` (exact), ``practices``;
at the top ``service`` (the search API) and ``exports`` (every match as rows). Entry points:
``indexer.service.SearchService`` and ``indexer.index.build.rebuild`` / ``update``.
"""
