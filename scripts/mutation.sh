#!/usr/bin/env bash
# Mutation testing (issue 18) of the counting rules, the audit chain, the row seals (and deferred seals), the counting
# service and its save lane (ballot_save.py, fast_seal.py) with mutmut, on a targeted, fast test
# selection ([tool.mutmut] in pyproject.toml). Not part of CI: it takes tens of minutes. Runs niced, since the
# machine is shared. Results: docs/TESTING.md.
# Usage: bash scripts/mutation.sh --fresh            all mutants from scratch
#        bash scripts/mutation.sh --resume [NAME…]   the unchecked ones, or the named mutants again
#        bash scripts/mutation.sh --fresh "vote_counter.storage.audit*" "vote_counter.storage.seals*"
#                                                    all mutants generated, only the named ones run
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -x .venv/bin/mutmut ]; then
  .venv/bin/pip install -q -e '.[test,mutation]'
fi
if [ "${1:-}" = "--fresh" ]; then
  rm -rf mutants
fi
export KP_HYPOTHESIS_PROFILE=mutation KP_ORACLE_ROUNDS=1000 QT_QPA_PLATFORM=offscreen
start=$(date +%s)
echo "start: $(date -u +%H:%M:%S) UTC, load average $(cut -d' ' -f1-3 /proc/loadavg)"
nice -n 19 .venv/bin/mutmut run --max-children 2 "${@:2}" || true
end=$(date +%s)
echo "end: $(date -u +%H:%M:%S) UTC, load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "mutation run: $((end - start)) s"
.venv/bin/mutmut results | grep -v "not checked" || true
