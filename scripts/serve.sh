#!/usr/bin/env bash
# Set up, build the store and index from the shipped corpus (data/reports), and serve the archive
# with gunicorn. ARCHIVE_HOME (default instance/) holds the SQLite store and the Whoosh index;
# BIND (default 127.0.0.1:8000) and WORKERS (default 3) configure gunicorn.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export ARCHIVE_HOME="${ARCHIVE_HOME:-$PWD/instance}"
# Idempotent: unchanged files are skipped; the index is built when missing, updated otherwise.
.venv/bin/python -m fazhi ingest data/reports
exec .venv/bin/gunicorn --config gunicorn.conf.py --workers "${WORKERS:-3}" --bind "${BIND:-127.0.0.1:8000}" wsgi:app
