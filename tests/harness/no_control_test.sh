#!/usr/bin/env bash
# no_control: `djharness run` against a target without the control extension whose jobs move on
# their own and which holds jobs of someone else (`djharness mock --autoprogress-ms 200
# --foreign 50 --audit-log FILE`):
#   1. a full run passes, and leaves none of its jobs behind;
#   2. a run stopped by SIGINT mid-way, then `djharness cleanup LEDGER`, leaves none behind;
#   3. in both, the mock's audit log shows no mutating request for any foreign job.
# The audit log is the mock's own record of every SubmitJob, TerminateJob and DeleteJob it
# answered, so the checks do not rest on what the harness says of itself.
#
# usage: no_control_test.sh PATH/TO/djharness
set -uo pipefail
export LC_ALL=C

fail() {
  echo "FAIL: $*" >&2
  exit 1
}
[[ $# -eq 1 && -x $1 ]] || fail "usage: $0 PATH/TO/djharness"
djharness=$1
command -v python3 >/dev/null || fail "python3 not found"

tmp=$(mktemp -d)
mock_pid='' run_pid='' tail_pid=''
cleanup() {
  local rc=$?
  for pid in $run_pid $tail_pid $mock_pid; do
    kill -TERM "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
  done
  rm -rf "$tmp"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

audit=$tmp/audit.jsonl
coproc MOCK { exec "$djharness" mock --port 0 --autoprogress-ms 200 --foreign 50 --audit-log "$audit"; }
# shellcheck disable=SC2153  # MOCK_PID is set by coproc
mock_pid=$MOCK_PID
first=''
IFS= read -r -t 30 first <&"${MOCK[0]}" || fail "the mock printed no first line"
[[ $first =~ ^listening\ on\ (http://127\.0\.0\.1:[0-9]+)$ ]] || fail "unexpected first line: $first"
url=${BASH_REMATCH[1]}

export TENCENTCLOUD_SECRET_ID=AKIDdjharnessLocalMock0000000000000001
export TENCENTCLOUD_SECRET_KEY=djharnessLocalMockSecretKey000001

# Every job SubmitJob made was deleted after, and no mutating request named a foreign job.
check_audit() {
  python3 - "$audit" <<'PY' || fail "audit log: $1"
import json, sys
made, deleted, foreign = [], set(), []
for line in open(sys.argv[1]):
    e = json.loads(line)
    if e.get("foreign"):
        foreign.append(e)
    if e["action"] == "SubmitJob" and e["outcome"] == "success":
        made.append(e["job_id"])
    if e["action"] == "DeleteJob" and e["outcome"] == "success":
        deleted.add(e["job_id"])
left = [j for j in made if j not in deleted]
print(f"audit: {len(made)} jobs made, {len(deleted)} deleted, {len(left)} left, "
      f"{len(foreign)} mutating requests on foreign jobs")
sys.exit(1 if left or foreign or not made else 0)
PY
}

# 1. A full run.
"$djharness" run --target "$url" --seed 3 --runs 6 --max-steps 20 --rate-runs 2 --owned-runs 2 \
  --report-dir "$tmp/full" >"$tmp/full.out" 2>&1
rc=$?
[[ $rc -eq 0 ]] || { cat "$tmp/full.out" >&2; fail "the full run exited $rc, not 0"; }
grep -q "none left behind" "$tmp/full.out" || { cat "$tmp/full.out" >&2; fail "the run left jobs"; }
grep -E "^(DEL-1|DEL-2|GONE-1|GONE-3) +passed" "$tmp/full.out" | wc -l | grep -qx 4 ||
  { cat "$tmp/full.out" >&2; fail "DEL-1, DEL-2, GONE-1, GONE-3 were not all judged"; }
check_audit "after the full run"
echo "ok: a full run without control passes and leaves nothing behind"

# 2. SIGINT once the run has jobs on the target, then cleanup.
ledger=$tmp/int/ledger.jsonl
"$djharness" run --target "$url" --seed 5 --properties owned-jobs --owned-runs 1000 \
  --report-dir "$tmp/int" >"$tmp/int.out" 2>&1 &
run_pid=$!
exec {lines}< <(exec timeout 120 tail -n +1 -F "$ledger" 2>/dev/null)
tail_pid=$!
grep -m1 -q '"submitted"' <&"$lines" || fail "the run recorded no job within 120 s"
kill -TERM "$tail_pid" 2>/dev/null
wait "$tail_pid" 2>/dev/null
tail_pid=''
kill -INT "$run_pid"
wait "$run_pid"
rc=$?
run_pid=''
[[ $rc -eq 130 ]] || { cat "$tmp/int.out" >&2; fail "the interrupted run exited $rc, not 130"; }
grep -q "djharness cleanup $ledger" "$tmp/int.out" || fail "the interrupted run did not name its ledger"
"$djharness" cleanup "$ledger" --max-wait 30 >"$tmp/cleanup.out" 2>&1
rc=$?
cat "$tmp/cleanup.out"
[[ $rc -eq 0 ]] || fail "cleanup exited $rc, not 0"
check_audit "after SIGINT and cleanup"
echo "ok: SIGINT mid-run, then djharness cleanup, leaves nothing behind"
