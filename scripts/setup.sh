#!/usr/bin/env bash
# Install everything the archive needs on a fresh Debian machine, from the project's own files:
# Debian packages (legacy .doc/.wps converters; with --for-tests also Chromium and a CJK font for
# the real-browser tests and the PostgreSQL server the store is tested on), a virtualenv in .venv,
# and the pinned requirements.txt.
# Safe to run again: it only installs what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(antiword catdoc)
if [[ "${1:-}" == "--for-tests" ]]; then
  packages+=(chromium fonts-noto-cjk postgresql)
fi

missing=()
for package in "${packages[@]}"; do
  dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
done
if ((${#missing[@]})); then
  if [[ $(id -u) -eq 0 ]]; then
    echo "setup: installing Debian packages: ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "setup: missing Debian packages (run as root or install them): ${missing[*]}" >&2
    exit 1
  fi
fi

if [[ ! -x .venv/bin/python ]]; then
  python3 -m venv .venv
fi
.venv/bin/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
