#!/usr/bin/env bash
# limits: `--limit ACTION=N` as configured. A mock limited at DeleteJob=30 (the figure of the
# public pages) passes a run told the same limit and fails RL-2 under the seed's 2 per second;
# the in-process mock takes the run's --limit too. A failure found under judging settings that
# are not the defaults is replayed under them from results.json alone, and flags given to the
# replay override them.
#
# usage: limits_test.sh PATH/TO/djharness
[[ $# -eq 1 && -x $1 ]] || { echo "usage: $0 PATH/TO/djharness" >&2; exit 1; }
djharness=$1
# shellcheck source=local_servers.sh
source "$(dirname "$0")/local_servers.sh"

# expect CODE NAME ARGS...: djharness ARGS... must exit CODE; its output is in $tmp/NAME.out.
expect() {
  local code=$1 name=$2 rc
  shift 2
  "$djharness" "$@" >"$tmp/$name.out" 2>&1
  rc=$?
  [[ $rc -eq $code ]] || { cat "$tmp/$name.out" >&2; fail "$name: exit $rc, not $code"; }
}
# has NAME REGEX: a line of $tmp/NAME.out matches.
has() { grep -qE "$2" "$tmp/$1.out" || { cat "$tmp/$1.out" >&2; fail "$1: no line matching $2"; }; }
# judged RESULTS.json KEY=VALUE...: the results record these judging settings.
judged() {
  python3 - "$@" <<'PY' || fail "$1 does not record the judging settings ${*:2}"
import json, sys
r = json.load(open(sys.argv[1]))
g = r["judging"]
for pair in sys.argv[2:]:
    key, want = pair.split("=", 1)
    got = g["limits"]["DeleteJob"] if key == "DeleteJob" else g[key]
    assert str(got) == want, (key, got, want)
PY
}

short=(--properties rate-limit --runs 3 --seed 5 --replays 0)

start mock30 "$djharness" mock --control --port 0 --limit DeleteJob=30
url30=$REPLY
expect 0 agreed run --target "$url30" --control "$url30" "${short[@]}" --limit DeleteJob=30 \
  --report-dir "$tmp/agreed"
has agreed '^judging: limits DeleteJob 30/s \(RL-\*\), rate slack 1, rate margin 50 ms, skew margin 5 s$'
has agreed '^RL-1 +passed +[1-9]'
has agreed '^RL-2 +passed +[1-9]'
judged "$tmp/agreed/results.json" DeleteJob=30 rate_slack=1
echo "ok: mock --limit DeleteJob=30 judged with --limit DeleteJob=30: exit 0, $(grep -E '^RL-2 ' "$tmp/agreed.out")"

expect 1 seed run --target "$url30" --control "$url30" "${short[@]}" --report-dir "$tmp/seed"
has seed '^RL-2 +FAILED'
has seed '^FAILED RL-2: '
echo "ok: the same mock judged at the seed's 2/s: exit 1, $(grep -m1 '^FAILED RL-2' "$tmp/seed.out")"

# The in-process mock limits as the run is told: consistent, and its faults still found.
expect 0 inprocess run "${short[@]}" --limit DeleteJob=30 --report-dir "$tmp/inprocess"
has inprocess '^RL-2 +passed +[1-9]'
echo "ok: run --limit DeleteJob=30 against the in-process mock: exit 0"

# Judged at 30 and a slack of 2, a target that keeps 2/s fails RL-1 (it refuses the third of 31
# deletes at once); the replay judges the same way with nothing given but the results.
start mock2 "$djharness" mock --control --port 0
url2=$REPLY
expect 1 found run --target "$url2" --control "$url2" "${short[@]}" --only 'RL-*' \
  --limit DeleteJob=30 --rate-slack 2 --skew-margin 20 --report-dir "$tmp/found"
has found '^RL-1 +FAILED'
judged "$tmp/found/results.json" DeleteJob=30 rate_slack=2 skew_margin_s=20 'only=RL-*' \
  region=ap-guangzhou rate_margin_ms=50
expect 1 replayed replay "$tmp/found/results.json"
has replayed '^replaying as the run judged: profile strict, region ap-guangzhou; judging: limits DeleteJob 30/s \(RL-\*\), rate slack 2, rate margin 50 ms, skew margin 20 s$'
has replayed '^RL-1: still fails'
echo "ok: replay without flags: exit 1, $(grep '^RL-1: ' "$tmp/replayed.out")"
expect 0 overridden replay "$tmp/found/results.json" --limit DeleteJob=2
has overridden '^RL-1: no longer fails'
echo "ok: replay --limit DeleteJob=2: exit 0, $(grep '^RL-1: ' "$tmp/overridden.out")"

# In-process with a planted fault: the replay plants it again and judges at the run's limit.
expect 1 planted run "${short[@]}" --limit DeleteJob=30 --fault no-rate-limit \
  --report-dir "$tmp/planted"
has planted '^RL-2 +FAILED'
judged "$tmp/planted/results.json" DeleteJob=30 "faults=['no-rate-limit']"
expect 1 planted-replay replay "$tmp/planted/results.json"
has planted-replay '^RL-2: still fails'
echo "ok: in-process --fault no-rate-limit --limit DeleteJob=30, replayed: $(grep '^RL-2: ' "$tmp/planted-replay.out")"
