#!/usr/bin/env bash
# Set up (browser and PostgreSQL included) and run every check: ruff, then the whole pytest suite.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --for-tests
.venv/bin/ruff check .
mkdir -p test-artifacts
.venv/bin/python -m pytest "$@"
