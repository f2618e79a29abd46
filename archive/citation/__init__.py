"""Citation formatting, pure (no Flask, no ORM), for the web app and the CLI alike: GB/T 7714
and CSL-JSON (``cite``, with the vendored styles in ``csl/``), BibTeX, RIS and the tags
reference managers read (``reference_managers``), reference lists (``reference_list``).
"""
