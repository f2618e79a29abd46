"""What the tests share besides fixtures: corpora paths, archive builders, oracles, hostile inputs,
the harvester's fixture portal, servers and browser helpers.

Why a package: a test module that imports another test module runs that module's fixtures and
module-level work too, and ties the two together; helpers live here instead, and every fixture in
``tests/conftest.py``. Nothing here is collected as a test.
"""
