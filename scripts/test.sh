#!/usr/bin/env bash
# Set up and run every check: the README's test command, and what CI runs (.ci/run).
#   bash scripts/test.sh            all tests, slow ones included, plus ruff, mypy, lint-imports
#   bash scripts/test.sh --fast     skip the slow marker (1,000,000-position accuracy, crash loop)
set -euo pipefail
cd "$(dirname "$0")/.."

# Debian packages the tests use: pdftoppm/pdftotext (PDF checks), mtools (FAT32 image), Qt's offscreen runtime libraries.
DEBS="poppler-utils mtools libegl1 libgl1 libxkbcommon0 libfontconfig1 libdbus-1-3 libglib2.0-0"
missing=""
for p in $DEBS; do dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"; done
if [ -n "$missing" ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq $missing >/dev/null
  else
    echo "Missing Debian packages:$missing (install them with apt-get)" >&2
    exit 1
  fi
fi

PY=${PYTHON:-python3}
[ -x .venv/bin/python ] || "$PY" -m venv .venv
.venv/bin/python -m pip install -q -e '.[test]'

.venv/bin/ruff check .
.venv/bin/ruff format --check .
.venv/bin/mypy
.venv/bin/lint-imports

if [ "${1:-}" = "--fast" ]; then
  .venv/bin/pytest
else
  .venv/bin/pytest -m "slow or not slow"
fi
