#!/usr/bin/env bash
# Intake throughput of a base commit against this working tree, measured alternately in the same run.
#
# Usage (from the repository root):
#   bench/compare_intake.sh [--stock-base] BASE [ROUNDS] [BUSINESSES]
# BASE is checked out into a temporary worktree and gets this tree's bench/bench_intake.py; each round runs
# the bench once on each side (order alternating), each on a fresh SQLite file. --stock-base runs the base
# with SQLAlchemy's stock aiosqlite adapter (its storage/sqlite_onetrip.py switched off) to measure what the
# one-trip adapter buys. Prints the median intake_per_second of each side and the ratio this tree / base.
set -euo pipefail
stock=0
if [[ "${1:-}" == "--stock-base" ]]; then stock=1; shift; fi
base=${1:?usage: bench/compare_intake.sh [--stock-base] BASE [ROUNDS] [BUSINESSES]}
rounds=${2:-5}
businesses=${3:-100}
here=$(pwd)
python="$here/.venv/bin/python"
tmp=$(mktemp -d)
trap 'git -C "$here" worktree remove --force "$tmp/base" >/dev/null 2>&1 || true; rm -rf "$tmp"' EXIT
git -C "$here" worktree add --detach "$tmp/base" "$base" >/dev/null 2>&1
cp "$here/bench/bench_intake.py" "$tmp/base/bench/bench_intake.py"
if [[ $stock == 1 ]]; then
  sed -i 's/kwargs.setdefault("module", OneTripDBAPI())/pass/' "$tmp/base/storage/db.py"
  grep -q OneTripDBAPI\(\) "$tmp/base/storage/db.py" && { echo "could not switch off sqlite_onetrip" >&2; exit 1; }
fi
side() {  # $1 = directory; prints one rate
  (cd "$1" && "$python" bench/bench_intake.py --businesses "$businesses" --repeat 1) | tee -a "$tmp/log" |
    sed -n 's/^intake_per_second=\([0-9.]*\).*/\1/p' | grep . || { echo "bench failed in $1" >&2; kill $$; }
}
base_rates=() head_rates=()
for ((i = 0; i < rounds; i++)); do
  if ((i % 2 == 0)); then
    base_rates+=("$(side "$tmp/base")") head_rates+=("$(side "$here")")
  else
    head_rates+=("$(side "$here")") base_rates+=("$(side "$tmp/base")")
  fi
  echo "round $((i + 1)): base=${base_rates[-1]} head=${head_rates[-1]}"
done
grep '^config' "$tmp/log" | sort -u
"$python" - "${base_rates[*]}" "${head_rates[*]}" "$base" "$stock" <<'PY'
import statistics, sys
base, head = (statistics.median(map(float, s.split())) for s in sys.argv[1:3])
label = sys.argv[3] + (" (stock aiosqlite adapter)" if sys.argv[4] == "1" else "")
print(f"base {label}: median intake_per_second={base:.1f}")
print(f"head (this tree): median intake_per_second={head:.1f}")
print(f"ratio head/base={head / base:.3f}")
PY
