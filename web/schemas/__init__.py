"""The marshmallow schemas of every JSON answer, by area: each view dumps its answer through its
schema (``web.pages``) and the OpenAPI document (``web.api_spec``) is generated from the same
schemas, so what is sent is what is documented.

The vocabulary, the same in every endpoint: a report is ``report_id`` (never ``id``); a
paragraph's number is ``seq`` (its reader anchor ``#p-<seq>``, its cite URL
``/passages/<seq>/cite``); a year is a number or null (a year facet's value too, except the
``年份不详`` entry that selects reports without one); a heading is the list of headings above a
passage; report metadata has the names of ``Report.metadata_dict``, and the report fields of
every schema come from the field registry (``archive.fields``). Every schema lists all its
fields as required and allows no others, so a renamed or retyped field fails the test.
"""
