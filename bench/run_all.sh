#!/usr/bin/env bash
# Every benchmark of docs/performance.md (and the crash bench of docs/security.md) in one run, one after the other, so that the
# figures and their same-run baselines come from the same machine in the same state.
#
#   make bench            # or: bench/run_all.sh [NAME …]   (names: the scripts below)
#
# Each script prints its figures and its baseline; this writes them to
# var/bench/<UTC timestamp>/<name>.log with the machine, the load average before and
# after, and the wall time of each. It needs PostgreSQL at 127.0.0.1:5432 for the
# PostgreSQL rows (as CI does). Nothing else should run on the machine meanwhile:
# the logs record the load average so that a busy run can be told apart.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
OUT="var/bench/$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$OUT"
TMP="${TMPDIR:-/tmp}"

declare -A RUNS=(
  [extraction_quality]="$PY bench/extraction_quality.py"
  [extraction_heldout]="$PY bench/extraction_quality.py --set heldout"
  [dedupe]="$PY bench/dedupe.py"
  [matching]="$PY bench/matching.py"
  [bus_planning]="$PY bench/bus_planning.py"
  [match_latency-sqlite]="env DATABASE_URL=sqlite:///$TMP/qingling-bench.sqlite3 $PY bench/match_latency.py"
  [intake_throughput-sqlite]="$PY bench/intake_throughput.py --db sqlite --n 3000"
  [intake_throughput-postgres]="$PY bench/intake_throughput.py --db postgres --n 3000"
  [intake_crash-sqlite]="$PY bench/intake_crash.py --db sqlite --n 1000 --kill-after 400"
  [intake_crash-postgres]="$PY bench/intake_crash.py --db postgres --n 1000 --kill-after 400"
  [ledger-sqlite]="env DATABASE_URL=sqlite:///$TMP/qingling-ledger-bench.sqlite3 $PY bench/ledger.py"
  [ledger-postgres]="$PY bench/ledger.py --postgres"
  [monitoring]="$PY bench/monitoring.py"
)
ORDER=(extraction_quality extraction_heldout dedupe matching bus_planning match_latency-sqlite
  intake_throughput-sqlite intake_throughput-postgres intake_crash-sqlite
  intake_crash-postgres ledger-sqlite ledger-postgres)
# Not in the default run until DuckDB's stall on 100M rows is fixed (docs/performance.md,
# "Monitoring"): bench/run_all.sh monitoring
[ $# -gt 0 ] && ORDER=("$@")

{
  echo "date (UTC): $(date -u +%FT%TZ)"
  echo "cpus: $(nproc), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
  echo "memory: $(free -g | awk '/Mem:/ {print $2}') GiB"
  echo "python: $($PY -c 'import sys; print(sys.version.split()[0])')"
  echo "commit: $(git rev-parse --short HEAD)$(git diff --quiet || echo ' (with local changes)')"
} | tee "$OUT/machine.txt"

for name in "${ORDER[@]}"; do
  command=${RUNS[$name]:?unknown benchmark $name}
  echo "== $name: $command"
  {
    echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
    start=$(date +%s)
    $command
    echo "wall: $(( $(date +%s) - start )) s; load after: $(cut -d' ' -f1-3 /proc/loadavg)"
  } 2>&1 | tee "$OUT/$name.log"
done
echo "logs in $OUT"
