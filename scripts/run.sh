#!/usr/bin/env bash
# Set up and run Kiểm Phiếu on Linux: the README's run command. Extra arguments go to vote-counter
# (e.g. `bash scripts/run.sh --db /path/to/file.sqlite3`). On Windows, use the packaged app (docs/).
set -euo pipefail
cd "$(dirname "$0")/.."

# Qt's X11 (xcb) platform plugin needs these Debian libraries on a desktop Linux machine.
DEBS="libegl1 libgl1 libfontconfig1 libdbus-1-3 libglib2.0-0 libxkbcommon0 libxkbcommon-x11-0 libxcb-cursor0 \
libxcb-icccm4 libxcb-keysyms1 libxcb-image0 libxcb-render-util0 libxcb-xkb1 libxcb-randr0 libxcb-shape0"
missing=""
for p in $DEBS; do dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"; done
if [ -n "$missing" ] && command -v apt-get >/dev/null; then
  if [ "$(id -u)" = 0 ]; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq && apt-get install -y -qq $missing >/dev/null
  else
    echo "Qt needs these Debian packages:$missing — install them with: sudo apt-get install$missing" >&2
  fi
fi

PY=${PYTHON:-python3}
[ -x .venv/bin/python ] || "$PY" -m venv .venv
.venv/bin/python -m pip install -q -e .
exec .venv/bin/vote-counter "$@"
