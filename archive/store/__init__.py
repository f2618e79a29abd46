"""The store: the SQLAlchemy tables (``db``), the change log other nodes follow (``changes``),
a parsed report as rows (``report_rows``), lasting corrections, the JSON shape of a stored
report, and ingest (files → store, one transaction each).
"""
