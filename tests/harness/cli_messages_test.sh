#!/usr/bin/env bash
# The command line's messages, through the real program: a bad value or an unknown flag is one
# line on stderr naming the flag and what it accepts, with exit code 2; help exits 0;
# `djharness explain ID` prints exactly the ID's section of the committed docs/clauses.md; and
# every FAILED line of a run ends with the command that explains its clause.
#
# usage: cli_messages_test.sh PATH/TO/djharness PATH/TO/docs
set -uo pipefail
export LC_ALL=C
fail() {
  echo "FAIL: $*" >&2
  exit 1
}
[[ $# -eq 2 && -x $1 && -d $2 ]] || fail "usage: $0 PATH/TO/djharness PATH/TO/docs"
djharness=$1
docs=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# refused WORDS... -- EXPECTED-TEXT: exit 2 and one line on stderr holding the text.
refused() {
  local args=() want
  while [[ $1 != -- ]]; do
    args+=("$1")
    shift
  done
  want=$2
  "$djharness" "${args[@]}" >"$tmp/out" 2>"$tmp/err"
  local rc=$?
  [[ $rc -eq 2 ]] || fail "djharness ${args[*]} exited $rc, not 2"
  [[ $(wc -l <"$tmp/err") -eq 1 ]] || fail "djharness ${args[*]}: not one line: $(cat "$tmp/err")"
  grep -qF -- "$want" "$tmp/err" || fail "djharness ${args[*]}: no \`$want\` in: $(cat "$tmp/err")"
  [[ ! -s $tmp/out ]] || fail "djharness ${args[*]} printed on stdout"
}

refused run --style foo -- "djharness run: --style: \`foo\` is not one of api3, query, both"
refused run --profile loose -- "--profile: \`loose\` is not one of strict, lenient"
refused run --properties histories,nope -- "--properties: \`nope\` is not one of histories, auth-common, rate-limit, concurrency, owned-jobs (or all)"
refused run --fault nope -- "--fault: \`nope\` is not one of running-deletable, "
refused run --only 'XYZ-*' -- "--only: \`XYZ-*\` matches no clause id: the ids are ENV-1, "
refused run --runs 0 -- "--runs: \`0\` is not an integer from 1 to 10000000"
refused run --threads many -- "--threads: \`many\` is not an integer from 1 to 64"
refused run --seed=-1 -- "--seed: \`-1\` is not an integer from 0 to 2^63-1"
refused run --runs -- "--runs needs a value N: an integer from 1 to 10000000"
refused run --sytle api3 -- "unknown flag --sytle (did you mean --style?); \`djharness run\` takes --target,"
refused run --limit DeleteJob=fast -- "djharness run: --limit: \`DeleteJob=fast\` is not ACTION=N with ACTION one of DeleteJob, DescribeJob, DescribeJobs, SubmitJob, TerminateJob and N an integer from 0 to 1000000"
refused replay --limit Frobnicate=2 -- "djharness replay: --limit: \`Frobnicate=2\` is not ACTION=N with ACTION one of "
refused mock --port 65536 -- "djharness mock: --port: \`65536\` is not an integer from 0 to 65535"
refused mock --fault nope -- "djharness mock: --fault: \`nope\` is not one of "
refused diff --style api3-post -- "djharness diff: --style: \`api3-post\` is not one of api3, query, both"
refused lifecycle --style api3 -- "--style: \`api3\` is not one of api3-post, api3-get, query-get, form-post"
refused fuzz --max-time 1e3 -- "djharness fuzz: --max-time: \`1e3\` is not an integer from 0 to 10000000"
refused cleanup --max-wait -1 -- "djharness cleanup: --max-wait: \`-1\` is not an integer from 0 to 86400"
refused replay --timeout-ms 0 -- "djharness replay: --timeout-ms: \`0\` is not an integer from 1 to 600000"
refused frobnicate -- "djharness: unknown command \`frobnicate\`; the commands are run, "
refused explain DEL-9 -- "djharness explain: unknown clause id \`DEL-9\`; the ids are ENV-1, "
echo "ok: bad values and unknown flags: one line naming the flag and what it accepts, exit 2"

"$djharness" --help >"$tmp/out" || fail "djharness --help exited $?"
grep -q "^  explain " "$tmp/out" || fail "djharness --help does not list explain"
"$djharness" run --help >"$tmp/out" || fail "djharness run --help exited $?"
grep -qF -- "--style STYLE" "$tmp/out" || fail "run --help has no --style"
grep -qF -- "[one of api3, query, both] [default: both]" "$tmp/out" ||
  fail "run --help does not say what --style accepts"
echo "ok: help"

# explain prints the entry of the committed clauses.md: from its heading to the next one.
for id in DEL-2 AUTH-2 RL-4 DRV-1; do
  "$djharness" explain "$id" >"$tmp/explain" || fail "explain $id exited $?"
  awk -v h="### $id" '$0 == h {on = 1; print; next} on && /^### / {exit} on' "$docs/clauses.md" |
    sed -e :a -e '/^\n*$/{$d;N;ba' -e '}' >"$tmp/section"
  diff "$tmp/section" "$tmp/explain" >/dev/null ||
    fail "explain $id differs from its section of docs/clauses.md: $(diff "$tmp/section" "$tmp/explain")"
done
echo "ok: explain prints the clause's section of docs/clauses.md"

# Every failure line names the command that explains it.
"$djharness" run --fault running-deletable --fault lax-job-id --properties histories \
  --runs 60 --seed 1 --report-dir "$tmp/report" >"$tmp/run" 2>&1
rc=$?
[[ $rc -eq 1 ]] || { cat "$tmp/run" >&2; fail "a run with planted faults exited $rc, not 1"; }
grep -E '^(FAILED|FLAKY) ' "$tmp/run" >"$tmp/failures"
[[ $(wc -l <"$tmp/failures") -ge 2 ]] || { cat "$tmp/run" >&2; fail "fewer than two failures"; }
while read -r status id rest; do
  id=${id%:}
  [[ $rest == *"  (djharness explain $id)" ]] || fail "the $status line of $id does not end with its explain command: $rest"
done <"$tmp/failures"
echo "ok: every failure line ends with its explain command"
