#!/usr/bin/env bash
# Run the checks: ruff, then pytest.
#   bash scripts/test.sh           everything (what CI runs): sets up Chromium and PostgreSQL too
#   bash scripts/test.sh --fast    the fast lane: no browser, PostgreSQL or slow tests (the markers
#                                  of pyproject.toml, put on tests by tests/conftest.py); needs
#                                  only the virtualenv
# Other arguments go to pytest (a file, -k, -x …).
set -euo pipefail
cd "$(dirname "$0")/.."
lane=()
if [[ "${1:-}" == "--fast" ]]; then
  shift
  bash scripts/setup.sh
  lane=(-m "not browser and not postgres and not slow")
else
  bash scripts/setup.sh --for-tests
fi
.venv/bin/ruff check .
mkdir -p test-artifacts
# Cache compiled modules and pytest's rewritten test modules (in the gitignored __pycache__
# folders) even where the environment says not to: compiling them again takes seconds of every run.
unset PYTHONDONTWRITEBYTECODE
.venv/bin/python -m pytest "${lane[@]}" "$@"
