#!/usr/bin/env bash
# report_gate: issue 7's done-when for the run-to-run comparison, end to end with the in-process
# mock. A run of the correct mock and a run of the mock with one planted fault (same seed):
#   1. `report --diff CORRECT FAULTY` lists exactly the fault's clauses (from `djharness faults`)
#      as regressions and exits 1; the comparison of either run with itself exits 0;
#   2. `run --fault F --baseline CORRECT` gives the same verdict in one step (exit 1, the same
#      regressions in baseline-diff.json and summary.md), and exits 0 with the faulty run as its
#      baseline (a known failure is not a regression);
#   3. `report RESULTS` renders Markdown to stdout and --markdown/--sarif/--junit to files;
#      unreadable inputs exit 2.
#
# usage: report_gate_test.sh PATH/TO/djharness [FAULT]
set -uo pipefail
export LC_ALL=C

fail() {
  echo "FAIL: $*" >&2
  exit 1
}
[[ $# -ge 1 && -x $1 ]] || fail "usage: $0 PATH/TO/djharness [FAULT]"
djharness=$1
fault=${2:-lax-job-id}
command -v python3 >/dev/null || fail "python3 not found"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Small and fixed: the same histories every time, in seconds.
run_args=(run --seed 3 --runs 10)

# expect RC COMMAND...: run it (output in $tmp/out), fail unless it exits RC.
expect() {
  local want=$1
  shift
  "$@" >"$tmp/out" 2>&1
  local rc=$?
  [[ $rc -eq $want ]] || { cat "$tmp/out" >&2; fail "exit $rc, not $want: $*"; }
}

# The clauses the fault breaks, as the catalogue says: "NAME  CLAUSE[,CLAUSE...]  what it does".
expected=$("$djharness" faults | awk -v f="$fault" '$1 == f { print $2 }' | tr ',' '\n' | sort | paste -sd,)
[[ -n $expected ]] || fail "djharness faults does not list $fault"
echo "fault $fault breaks: $expected"

# The regressions of a comparison document, sorted, comma-separated.
regressions() {
  python3 - "$1" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
ids = sorted(c["id"] for c in doc["regressions"])
assert doc["summary"]["regressions"] == len(ids), "summary and list disagree"
print(",".join(ids))
PY
}

expect 0 "$djharness" "${run_args[@]}" --report-dir "$tmp/correct"
expect 1 "$djharness" "${run_args[@]}" --fault "$fault" --report-dir "$tmp/faulty"
for f in results.json junit.xml summary.md; do
  [[ -s $tmp/faulty/$f ]] || fail "run did not write $f"
done

# 1. The diff of the two runs, and of each with itself.
expect 1 "$djharness" report --diff "$tmp/correct/results.json" "$tmp/faulty/results.json" \
  --json "$tmp/diff.json"
cat "$tmp/out"
grep -q "^gate: FAILED" "$tmp/out" || fail "report --diff did not say the gate failed"
got=$(regressions "$tmp/diff.json")
[[ $got == "$expected" ]] || fail "report --diff regressions: $got, expected $expected"
listed=$(sed -n '/^regressions:$/,/^[a-z]/p' "$tmp/out" | awk '/^  / { print $1 }' | sort | paste -sd,)
[[ $listed == "$expected" ]] || fail "printed regressions: $listed, expected $expected"
echo "ok: the diff of the correct run against the faulty run lists exactly $expected and exits 1"
for side in correct faulty; do
  expect 0 "$djharness" report --diff "$tmp/$side/results.json" "$tmp/$side/results.json"
  grep -q "^gate: passed" "$tmp/out" || fail "the $side run against itself did not pass the gate"
done
echo "ok: each run against itself exits 0"

# 2. The same in one step.
expect 1 "$djharness" "${run_args[@]}" --fault "$fault" --baseline "$tmp/correct/results.json" \
  --report-dir "$tmp/gate" --sarif "$tmp/gate/results.sarif"
got=$(regressions "$tmp/gate/baseline-diff.json")
[[ $got == "$expected" ]] || fail "run --baseline regressions: $got, expected $expected"
grep -q '^\*\*Gate: FAILED\*\*' "$tmp/gate/summary.md" || fail "summary.md has no failed gate"
grep -q "^### Compared with the baseline" "$tmp/gate/summary.md" || fail "summary.md lacks the comparison"
python3 - "$tmp/gate/results.sarif" "$expected" <<'PY' || fail "the run's SARIF"
import json, sys
log = json.load(open(sys.argv[1]))
ids = sorted(r["ruleId"] for r in log["runs"][0]["results"])
assert ",".join(ids) == sys.argv[2], ids
PY
echo "ok: run --baseline CORRECT with the fault exits 1 with the same regressions"
expect 0 "$djharness" "${run_args[@]}" --fault "$fault" --baseline "$tmp/faulty/results.json" \
  --report-dir "$tmp/known"
grep -q "^gate: passed, no regression since the baseline" "$tmp/out" || fail "known failures failed the gate"
echo "ok: run --baseline FAULTY with the same fault exits 0 (known failures only)"

# 3. Rendering again, and bad input.
expect 0 "$djharness" report "$tmp/faulty/results.json"
head -1 "$tmp/out" | grep -q "^## NOT CONFORMANT: " || fail "report RESULTS did not print the Markdown"
expect 0 "$djharness" report "$tmp/faulty/results.json" --markdown "$tmp/r.md" \
  --sarif "$tmp/r.sarif" --junit "$tmp/r.xml"
cmp -s "$tmp/r.md" "$tmp/faulty/summary.md" || fail "report --markdown differs from the run's summary.md"
[[ -s $tmp/r.sarif && -s $tmp/r.xml ]] || fail "report did not write SARIF and JUnit"
expect 2 "$djharness" report --diff "$tmp/missing.json" "$tmp/faulty/results.json"
expect 2 "$djharness" report "$tmp/faulty/junit.xml"
expect 2 "$djharness" report
expect 2 "$djharness" report "$tmp/faulty/results.json" --json "$tmp/x.json"
expect 2 "$djharness" "${run_args[@]}" --baseline "$tmp/missing.json" --report-dir "$tmp/never"
[[ ! -e $tmp/never/results.json ]] || fail "run --baseline MISSING ran anyway"
echo "ok: report re-renders; unreadable inputs exit 2"
