"""The index, built and checked: generations (built aside, swapped atomically), the Whoosh
schema, the literal table and the exact conditions compiled on it (``literal``,
``literal_sql``), the match sets of frequent words and the indicator table kept per
generation, the build from the store and the start-up check and repair (``recovery``).
"""
