"""Results: what a search answers and its wire form, once (``answer``); facet counts, the
groups and snippets of a result page, did-you-mean suggestions and the kept answers of
slow searches.
"""
