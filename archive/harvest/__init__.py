"""The harvester: polite HTTP (``fetch``), what a portal page links to (``links``), the
harvester's own memory (``state``) and the crawl that ingests what it finds (``crawl``).
"""
