#!/usr/bin/env bash
# premise: without control, against `djharness mock --instant-jobs` (a target whose jobs are
# SUCCEED at once, whatever their definition says), the run's slow job cannot keep running:
# that is the run's premise failing, not the server's fault. The run exits 0, says once which
# premise failed and what showed it, and skips DEL-2 naming it; results.json agrees.
#
# usage: premise_test.sh PATH/TO/djharness
[[ $# -eq 1 && -x $1 ]] || { echo "usage: $0 PATH/TO/djharness" >&2; exit 1; }
djharness=$1
# shellcheck source=local_servers.sh
source "$(dirname "$0")/local_servers.sh"

start mock "$djharness" mock --port 0 --autoprogress-ms 200 --instant-jobs
url=$REPLY
out=$tmp/run
"$djharness" run --target "$url" --runs 2 --seed 7 --report-dir "$out" >"$out.out" 2>&1
rc=$?
cat "$out.out"
[[ $rc -eq 0 ]] || fail "the run exited $rc, not 0"
n=$(grep -c '^premise failed (not a finding): the slow job keeps running' "$out.out")
[[ $n -eq 1 ]] || fail "the failed premise is named $n times in the summary, not once"
grep -q '^DEL-2 .*skipped.*premise of the run failed' "$out.out" ||
  fail "DEL-2 is not skipped naming the premise"
python3 - "$out/results.json" <<'PY' || fail "results.json"
import json, sys
r = json.load(open(sys.argv[1]))
premises = r.get("premises_failed", [])
assert len(premises) == 1 and "SUCCEED" in premises[0], premises
del2 = [c for c in r["clauses"] if c["id"] == "DEL-2"][0]
assert del2["status"] == "skipped" and "premise" in del2["reason"], del2
assert not [c for c in r["clauses"] if c["status"] in ("failed", "flaky")]
assert not r.get("owned_jobs", {}).get("left"), r.get("owned_jobs")
print("results.json: premises_failed =", premises[0])
PY
echo "PASS"
