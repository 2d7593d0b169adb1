#!/usr/bin/env bash
# Set up and run every check: the README's test command, and what CI runs (.ci/run).
#   bash scripts/test.sh            all tests, slow ones included, plus ruff, mypy, lint-imports
#   bash scripts/test.sh --fast     skip the slow marker (1,000,000-position accuracy, crash loop)
#   bash scripts/test.sh --bundle   also build the PyInstaller bundle and run its --self-test (always on CI)
set -euo pipefail
cd "$(dirname "$0")/.."

fast=0
bundle=0
[ "${CI:-}" = "true" ] && bundle=1
for arg in "$@"; do
  case "$arg" in
    --fast) fast=1 ;;
    --bundle) bundle=1 ;;
    *) echo "unknown option: $arg (use --fast, --bundle)" >&2; exit 2 ;;
  esac
done

# Debian packages the tests use: pdftoppm/pdftotext (PDF checks), mtools (FAT32 image), Qt's offscreen runtime libraries.
DEBS="poppler-utils mtools libegl1 libgl1 libxkbcommon0 libfontconfig1 libdbus-1-3 libglib2.0-0"
# PyInstaller needs objdump/objcopy (binutils) to build the Linux bundle.
[ "$bundle" = 1 ] && DEBS="$DEBS binutils"
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
if [ "$bundle" = 1 ]; then
  .venv/bin/python -m pip install -q -e '.[test,build]'
else
  .venv/bin/python -m pip install -q -e '.[test]'
fi

.venv/bin/ruff check .
.venv/bin/ruff format --check .
.venv/bin/mypy
.venv/bin/lint-imports
# The translation catalog: every text translated, placeholders kept, the .pot and the committed .mo current.
.venv/bin/python scripts/catalogs.py check

# The package a board installs: build the one-folder bundle and run its self-test without a display.
if [ "$bundle" = 1 ]; then
  start=$(date +%s)
  .venv/bin/pyinstaller --noconfirm --clean --log-level WARN build.spec
  echo "bundle built in $(( $(date +%s) - start )) s: dist/KiemPhieu ($(du -sh dist/KiemPhieu | cut -f1))"
  QT_QPA_PLATFORM=offscreen dist/KiemPhieu/KiemPhieu --self-test
fi

# The tests last, so their summary is the run's closing line.
if [ "$fast" = 1 ]; then
  .venv/bin/pytest
else
  .venv/bin/pytest -m "slow or not slow"
fi
