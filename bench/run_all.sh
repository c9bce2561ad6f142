#!/usr/bin/env bash
# Every benchmark of BENCHMARKS.md in one go, with the figures' own commands; one log per benchmark.
#
# Usage (from the repository root, after the test command has created .venv):
#   bench/run_all.sh [OUT_DIR]
# PostgreSQL figures are added when PCIBOT_BENCH_POSTGRES_URL names a database that may be emptied,
# e.g. postgresql+asyncpg://postgres@127.0.0.1:5432/bench. Takes about two hours on 2 cores.
# A benchmark that fails (a goal missed, a 5xx, a loss) is reported and the others still run; the exit
# status is 1 if any failed.
set -uo pipefail
cd "$(dirname "$0")/.."
out=${1:-bench-results}
mkdir -p "$out"
py=.venv/bin/python
failed=()

run() {  # run NAME COMMAND...: log to OUT/NAME.log, keep going on failure
    local name=$1; shift
    echo "== ${name}: $*"
    if "$@" >"${out}/${name}.log" 2>&1; then tail -n 3 "${out}/${name}.log"; else
        echo "FAILED (see ${out}/${name}.log)"; tail -n 5 "${out}/${name}.log"; failed+=("$name"); fi
}

run routing "$py" bench/bench_routing.py
run intake bench/compare_intake.sh d10ba9a 7 60
run telegram "$py" bench/bench_telegram.py -n 50 --runs 3
run web "$py" bench/bench_web.py --tickets 100000 --seconds 10
run storm "$py" bench/storm.py --messages 10000
run fuzz_chat "$py" bench/fuzz_chat.py --surface all --cases 10000
run fuzz_web "$py" bench/fuzz_web.py --cases 10000
run soak "$py" bench/soak.py --businesses 2000 --kills 100
if [[ -n "${PCIBOT_BENCH_POSTGRES_URL:-}" ]]; then
    run digest "$py" bench/bench_digest.py --tickets 1000000 --runs 5
else
    run digest "$py" bench/bench_digest.py --tickets 1000000 --runs 5 --sqlite-only
fi

if ((${#failed[@]})); then echo "failed: ${failed[*]}"; exit 1; fi
echo "all benchmarks ran; logs in ${out}/"
