#!/usr/bin/env bash
# make bench-sync: full and incremental sync of a large simulated JIRA (and
# GitHub, once simulated) through the real binaries, on loopback. Never run
# in CI. Prints wall time, requests and peak memory of the sync process.
#   ISSUES=100000 PRS=20000 .ci/bench-sync.sh
set -euo pipefail
cd "$(dirname "$0")/.."
ISSUES=${ISSUES:-100000}
PRS=${PRS:-20000}
RATE_ISSUES=${RATE_ISSUES:-1500}
PORT=${PORT:-18189}
make -s build
work=$(mktemp -d /tmp/vger-bench-XXXXXX)
chmod 755 "$work" # so PostgreSQL (as its own user when run as root) keeps its cluster inside
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

start_sim() { # $1 issues, $2 extra flags
  ./bin/vger simulate --addr 127.0.0.1:$PORT --seed 1 --issues "$1" --prs "$PRS" $2 >"$work/sim.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 1 200); do curl -sf "http://127.0.0.1:$PORT/_sim/time" >/dev/null && return; sleep 0.1; done
  echo "simulator did not start"; cat "$work/sim.log"; exit 1
}

export VGER_DATA_DIR="$work/full" VGER_LOG_FORMAT=json VGER_LOG_LEVEL=warn
export JIRA_URL="http://127.0.0.1:$PORT/jira/" JIRA_EMAIL=demo@example.com JIRA_API_TOKEN=sim-jira-token
export VGER_JIRA_RATE=0 VGER_SYNC_HISTORY_DAYS=36500
export GITHUB_API_URL="http://127.0.0.1:$PORT/github/" GITHUB_TOKEN=sim-github-token VGER_GITHUB_RATE=0

run_sync() { # prints the sync's summary and /usr/bin/time's figures
  /usr/bin/time -f "wall %e s, max RSS %M KB" ./bin/vger sync --all >"$work/sync.out" 2>&1 || true
  grep -E "^board [0-9]+: (ok|FAILED)" "$work/sync.out" | head -n 8 || true
  grep -E "^repo [^ ]+: (ok in|FAILED)" "$work/sync.out" | awk '{ n++; if ($0 ~ /FAILED/) f++; else { pr += $(NF-12) } } END { printf "repos: %d synced, %d failed\n", n, f }' || true
  grep -E "^repo [^ ]+: FAILED" "$work/sync.out" | head -n 3 || true
  grep -E "^total|^wall" "$work/sync.out" || true
}

echo "== full sync: $ISSUES issues"
start_sim "$ISSUES" ""
./bin/vger migrate >/dev/null
for b in $(curl -sf -u demo@example.com:sim-jira-token "http://127.0.0.1:$PORT/jira/rest/agile/1.0/board?maxResults=50" | grep -o '"id":[0-9]*' | cut -d: -f2); do
  ./bin/vger board add --jira-board "$b" --team "Bench" >/dev/null
done
for page in 1 2 3; do
  for r in $(curl -sf -H "Authorization: Bearer $GITHUB_TOKEN" "http://127.0.0.1:$PORT/github/user/repos?per_page=100&page=$page" | grep -o '"full_name": *"[^"]*"' | cut -d'"' -f4); do
    ./bin/vger repo add "$r" --board 1 >/dev/null
  done
done
run_sync

echo "== incremental sync after the world moves on"
curl -sf -X POST "http://127.0.0.1:$PORT/_sim/advance?hours=${ADVANCE_HOURS:-72}" >/dev/null
run_sync
echo "(issues_written and requests per board above; the target is <= 50 JIRA requests for a 1% change)"

echo "== paced: simulator --rate 10, VGER_JIRA_RATE=10, $RATE_ISSUES issues (time should be within 1.1x of requests / 10)"
kill "${pids[0]}"; wait "${pids[0]}" 2>/dev/null || true; pids=()
export VGER_DATA_DIR="$work/paced" VGER_JIRA_RATE=10
start_sim "$RATE_ISSUES" "--rate 10"
./bin/vger migrate >/dev/null
unset GITHUB_TOKEN # the paced run measures JIRA pacing
for b in 1 2 3 4 5; do ./bin/vger board add --jira-board "$b" --team "Paced" >/dev/null; done
run_sync
./bin/vger status | head -20
