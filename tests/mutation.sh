#!/usr/bin/env bash
# Mutation testing of the core (tests/mutation.md): mutmut over geo/ (datum, nearest,
# hours, distance, districts), station_fields.py and services/editing.py (the scope
# checks), with the fast test subset named in setup.cfg [mutmut] (unit tests and the
# editing/scope integration files, SQLite only). Not part of the default test run:
# a full run takes tens of minutes on two cores. Prints the score per module.
#
#   tests/mutation.sh            # run (resumes: mutants already judged are kept)
#   tests/mutation.sh --fresh    # forget earlier results first
#   tests/mutation.sh --score    # only print the score of the last run
#   tests/mutation.sh 'stationmap.geo.datum*'   # only one module's mutants
#   MUTATION_CHILDREN=1 tests/mutation.sh
set -euo pipefail
cd "$(dirname "$0")/.."
PY="${PYTHON:-.venv/bin/python}"
MUTMUT="$(dirname "$PY")/mutmut"
# SQLite only: each mutant's run stays short and needs no server.
unset STATIONMAP_TEST_POSTGRES_URL

run=1
case "${1:-}" in
--fresh) rm -rf mutants; shift ;;
--score) run=0; shift ;;
-*) echo "usage: $0 [--fresh|--score] [MUTANT_GLOB...]" >&2; exit 2 ;;
esac

# Mutants of geo/, field_values/ and station_fields.py need only the unit tests (the pure core and the
# field checks have no app and no database; tests/unit/test_station_fields*.py call
# parse_station directly): a run limited to such globs leaves tests/integration out,
# several times faster. Which
# tests cover which mutant is cached in mutants/, so switching between a unit-only and a
# full run starts afresh.
mode=full
if [ "$#" -gt 0 ]; then
    mode=unit
    for glob in "$@"; do
        case "$glob" in stationmap.geo.* | stationmap.station_fields* | stationmap.field_values.*) ;; *) mode=full ;; esac
    done
fi
if [ "$run" = 1 ] && [ -d mutants ] && [ "$(cat mutants/.test-mode 2>/dev/null || echo full)" != "$mode" ]; then
    rm -rf mutants
fi
if [ "$mode" = unit ]; then
    # setup.cfg names integration files explicitly, and pytest collects an explicitly
    # named file even under --ignore: --deselect drops their tests by node id prefix.
    export PYTEST_ADDOPTS="${PYTEST_ADDOPTS:-} --ignore=tests/integration --deselect=tests/integration/"
fi

if [ "$run" = 1 ]; then
    mkdir -p mutants && echo "$mode" >mutants/.test-mode
    "$MUTMUT" run --max-children "${MUTATION_CHILDREN:-2}" "$@" >/dev/null 2>&1 || true
fi

results="$(mktemp)"
trap 'rm -f "$results"' EXIT
"$MUTMUT" results --all true >"$results" 2>/dev/null || true
"$PY" - "$results" <<'PYEOF'
import collections
import re
import sys

counts = collections.defaultdict(collections.Counter)
with open(sys.argv[1], encoding="utf-8") as fh:
    for line in fh:
        m = re.match(r"([\w.]+?)\.x\S*__mutmut_\d+: (.+)$", line.strip())
        if m:
            counts[m.group(1)][m.group(2).strip()] += 1
if not counts:
    sys.exit("no mutmut results: run tests/mutation.sh first")
# A mutant no selected test runs ("no tests") counts as surviving; "not checked" (a run
# cut short) is left out of the score and shown apart.
print(f"{'module':30} {'killed':>7} {'survived':>9} {'no tests':>9} {'unchecked':>10} {'score':>7}")
total_k = total_n = 0
for module in sorted(counts):
    c = counts[module]
    killed = c["killed"] + c["timeout"] + c["segfault"]
    alive = c["survived"] + c["no tests"]
    judged = killed + alive
    total_k += killed
    total_n += judged
    score = f"{100.0 * killed / judged:6.1f}%" if judged else "     -"
    print(
        f"{module:30} {killed:7d} {c['survived']:9d} {c['no tests']:9d} "
        f"{c['not checked']:10d} {score:>7}"
    )
print(f"{'all':30} {total_k:7d} {'':9} {'':9} {'':10} {100.0 * total_k / max(total_n, 1):6.1f}%")
PYEOF
