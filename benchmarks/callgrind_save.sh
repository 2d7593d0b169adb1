#!/usr/bin/env bash
# Instructions per ballot save (issue 15): profile_save.py count under callgrind with two numbers of saves; the
# difference of the totals over the difference of saves is one save, start-up and the filled database excluded.
# Repeatable while other work loads the machine (wall and CPU times are not).
# Usage: benchmarks/callgrind_save.sh [product|minimal|raw] [few] [many]   (run from the repository root)
set -euo pipefail
what=${1:-product}
few=${2:-20}
many=${3:-220}
py=${PYTHON:-.venv/bin/python}
script=${SCRIPT:-benchmarks/profile_save.py}
out=$(mktemp -d)
"$py" "$script" count --saves 1 --what "$what" >/dev/null  # fills the cache outside valgrind
total() {
    valgrind --tool=callgrind --callgrind-out-file="$out/cg.$1" "$py" "$script" count --saves "$1" --what "$what" \
        2>&1 | sed -n 's/.*Collected : \([0-9]*\).*/\1/p'
}
a=$(total "$few")
b=$(total "$many")
rm -rf "$out"
echo "$what: $(( (b - a) / (many - few) )) instructions per save ($few saves: $a, $many saves: $b)"
