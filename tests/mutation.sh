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

if [ "$run" = 1 ]; then
    "$MUTMUT" run --max-children "${MUTATION_CHILDREN:-2}" "$@" >/dev/null 2>&1 || true
fi

"$MUTMUT" results --all true 2>/dev/null | "$PY" -c '
import collections, re, sys

counts = collections.defaultdict(collections.Counter)
for line in sys.stdin:
    m = re.match(r"\s*([\w.]+?)\.x.*__mutmut_\d+: (.+)$", line.strip())
    if not m:
        continue
    counts[m.group(1)][m.group(2).strip()] += 1
if not counts:
    sys.exit("no mutmut results: run tests/mutation.sh first")
print(f"{\"module\":36} {\"killed\":>7} {\"survived\":>9} {\"other\":>6} {\"score\":>7}")
total_k = total_n = 0
for module in sorted(counts):
    c = counts[module]
    killed = c["killed"] + c["timeout"]
    survived = c["survived"]
    other = sum(c.values()) - killed - survived
    judged = killed + survived
    total_k += killed
    total_n += judged
    score = 100.0 * killed / judged if judged else 0.0
    print(f"{module:36} {killed:7d} {survived:9d} {other:6d} {score:6.1f}%")
print(f"{\"all\":36} {total_k:7d} {total_n - total_k:9d} {\"\":6} {100.0 * total_k / max(total_n, 1):6.1f}%")
'
