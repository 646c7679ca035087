#!/usr/bin/env bash
# examples: the walk-through of docs/getting-started.md, run with the commands taken from the
# page itself (the port and URL aside: the server binds port 0 here). The example server passes
# the page's run with the counts the page shows, and every clause it skips is named on the page;
# started with the page's --break switch it fails, the harness names DEL-2 on the FAILED line
# the page shows, ending with its explain command; the page's explain command prints DEL-2's
# entry. Every server this test starts is stopped.
#
# usage: walkthrough_test.sh DIR-OF-djharness DIR-OF-delete_job_server docs/getting-started.md
set -uo pipefail
export LC_ALL=C
fail() {
  echo "FAIL: $*" >&2
  exit 1
}
[[ $# -eq 3 && -x $1/djharness && -x $2/delete_job_server && -f $3 ]] ||
  fail "usage: $0 DIR-OF-djharness DIR-OF-delete_job_server PATH/TO/getting-started.md"
export PATH="$(cd "$1" && pwd):$(cd "$2" && pwd):$PATH"
page=$3
tmp=$(mktemp -d)
server_pid=''
cleanup() {
  local rc=$?
  if [[ -n $server_pid ]]; then
    kill -TERM "$server_pid" 2>/dev/null
    wait "$server_pid" 2>/dev/null
  fi
  rm -rf "$tmp"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

# The lines of the page's ```sh blocks, and the single distinct one matching a pattern.
commands=$(awk '/^```sh$/ {on = 1; next} /^```$/ {on = 0} on' "$page")
one() {
  local found
  found=$(grep -E -- "$1" <<<"$commands" | sort -u)
  [[ -n $found && $(wc -l <<<"$found") -eq 1 ]] ||
    fail "the page has not exactly one distinct command matching $1: $found"
  printf '%s\n' "$found"
}
for name in ID KEY; do
  line=$(one "^export TENCENTCLOUD_SECRET_$name=[A-Za-z0-9]+$")
  export "${line#export }"
done
good_server=$(one '^delete_job_server --control --port 8080 &$')
broken_server=$(one '^delete_job_server .*--break [a-z-]+ &$')
run_command=$(one '^djharness run --target http://127\.0\.0\.1:8080 ')
explain_command=$(one '^djharness explain DEL-2$')

# start LINE: the page's server command on port 0, in the background; sets $url.
start() {
  local line=${1% &}
  local words
  read -ra words <<<"${line/--port 8080/--port 0}"
  coproc SERVER { exec "${words[@]}"; }
  server_pid=$SERVER_PID
  local first=''
  IFS= read -r -t 30 first <&"${SERVER[0]}" || fail "$line printed no first line"
  [[ $first =~ ^listening\ on\ (http://127\.0\.0\.1:[0-9]+)$ ]] || fail "unexpected first line: $first"
  url=${BASH_REMATCH[1]}
}
stop() {
  kill -TERM "$server_pid"
  wait "$server_pid" 2>/dev/null
  server_pid=''
}
# run OUT: the page's run command against $url, from a scratch folder (its report goes there).
run() {
  local words
  read -ra words <<<"${run_command/http:\/\/127.0.0.1:8080/$url}"
  (cd "$tmp" && "${words[@]}") >"$1" 2>&1
}

# 1. The example passes, with the summary counts the page shows.
start "$good_server"
run "$tmp/pass.out"
rc=$?
stop
[[ $rc -eq 0 ]] || { cat "$tmp/pass.out" >&2; fail "the run against the example exited $rc, not 0"; }
shown=$(grep -m1 '^summary: ' "$page" | cut -d';' -f1)
[[ -n $shown ]] || fail "the page shows no summary line"
grep -qxF -- "$shown" <(grep '^summary: ' "$tmp/pass.out" | cut -d';' -f1) ||
  fail "the run's summary is not the page's \`$shown\`: $(grep '^summary: ' "$tmp/pass.out")"
# Every skipped clause is named on the page, alone or in a range "DRV-1 to DRV-9".
while read -r id; do
  grep -qw -- "$id" "$page" && continue
  prefix=${id%-*} n=${id##*-} named=0
  while read -r from to; do
    ((from <= n && n <= to)) && named=1
  done < <(grep -oE "$prefix-[0-9]+ to $prefix-[0-9]+" "$page" | sed -E "s/$prefix-([0-9]+) to $prefix-([0-9]+)/\1 \2/")
  ((named)) || fail "the run skips $id, which the page does not explain"
done < <(grep -E '^[A-Z0-9]+-[0-9]+ +skipped ' "$tmp/pass.out" | awk '{print $1}')
echo "ok: the example passes the page's run ($shown)"

# 2. Broken on purpose, the same run fails and names DEL-2 as the page shows.
start "$broken_server"
run "$tmp/fail.out"
rc=$?
stop
[[ $rc -eq 1 ]] || { cat "$tmp/fail.out" >&2; fail "the run against the broken example exited $rc, not 1"; }
failed=$(grep -m1 '^FAILED DEL-2: ' "$page")
[[ $failed == *"  (djharness explain DEL-2)" ]] || fail "the page's FAILED line does not end with the explain command"
grep -qxF -- "$failed" "$tmp/fail.out" || {
  grep '^FAILED' "$tmp/fail.out" >&2
  fail "the run has no line \`$failed\`"
}
echo "ok: started with \`${broken_server% &}\`, the run fails and names DEL-2"

# 3. The page's explain command prints DEL-2's entry.
read -ra words <<<"$explain_command"
"${words[@]}" >"$tmp/explain.out" || fail "$explain_command exited $?"
head -1 "$tmp/explain.out" | grep -qx '### DEL-2' || fail "$explain_command printed: $(cat "$tmp/explain.out")"
grep -q 'running-deletable' "$tmp/explain.out" || fail "the entry does not name the planted fault"
echo "ok: $explain_command"
