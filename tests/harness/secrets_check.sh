#!/usr/bin/env bash
# secrets.no_credential_leaks: every command that talks to a remote target (run, replay, fuzz,
# fuzz --replay, lifecycle) is run against `djharness mock` with recognisable credentials and a
# session token, from the environment and from a tccli profile, with planted faults so that
# failures, reproduction scripts and fuzz findings are written. Then no part of the SecretId,
# the secret key or the token may appear in any report file, on the harness's stdout or stderr,
# in the mock's request log, or in what a reproduction script prints. (The mock's own command
# line holds them, by design.)
#
# usage: secrets_check.sh PATH/TO/djharness PATH/TO/CHECKOUT
# exit:  0 no leak and every command behaved as expected; 1 otherwise (message on stderr).
set -uo pipefail
export LC_ALL=C

fail() {
  echo "FAIL: $*" >&2
  exit 1
}

[[ $# -eq 2 ]] || fail "usage: $0 PATH/TO/djharness PATH/TO/CHECKOUT"
djharness=$1
corpus=$2/corpora/request_parser/seeds
[[ -x $djharness ]] || fail "djharness binary not found or not executable: $djharness"
[[ -d $corpus ]] || fail "no request corpus at $corpus"
for tool in curl openssl grep; do
  command -v "$tool" >/dev/null || fail "required tool not found: $tool"
done

# Letters and digits only, so that percent-encoding leaves them as they are.
secret_id=AKIDsecretsCheckId7Qx2Lm9Vb4Nc8Zr3
secret_key=secretsCheckKey5Hd8Wq1Ty6Pu3Jf0Ae
token=secretsCheckToken4Gs9Ke2Rm7Xa5YbUi

tmp=$(mktemp -d)
mock_pids=()
mock_fds=()
cleanup() {
  local rc=$? pid
  for pid in "${mock_pids[@]}"; do
    kill -TERM "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
  done
  rm -rf "$tmp"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

# start_mock NAME ARG...: start `djharness mock --port 0 --control --log` with the credentials and
# ARGs; its first line is read through a FIFO (no sleeping); sets REPLY to its URL.
# `start_mock NAME --no-control ARG...` leaves the control extension off.
start_mock() {
  local name=$1 fd line control=(--control)
  shift
  if [[ ${1-} == --no-control ]]; then
    control=()
    shift
  fi
  mkfifo "$tmp/$name.fifo"
  "$djharness" mock --port 0 "${control[@]}" --log --secret-id "$secret_id" --secret-key "$secret_key" \
    "$@" >"$tmp/$name.fifo" 2>"$tmp/logs/$name.mock-log" &
  mock_pids+=($!)
  exec {fd}<"$tmp/$name.fifo"
  mock_fds+=("$fd")
  IFS= read -r -t 30 line <&"$fd" || fail "mock $name printed no first line"
  [[ $line =~ ^listening\ on\ (http://127\.0\.0\.1:[0-9]+)$ ]] ||
    fail "unexpected first line from mock $name: $line"
  REPLY=${BASH_REMATCH[1]}
}

mkdir -p "$tmp/logs" "$tmp/out" "$tmp/reports" "$tmp/home" "$tmp/profile-home/.tccli"

# harness NAME EXPECTED_EXIT ARG...: run djharness with the credentials in the environment (and
# an empty HOME, so that no real tccli profile is read); stdout and stderr are kept for the scan.
harness() {
  local name=$1 expected=$2 rc
  shift 2
  env -u TENCENTCLOUD_REGION -u TCCLI_PROFILE -u TENCENTCLOUD_TOKEN \
    -u TENCENTCLOUD_SECRET_ID_2 -u TENCENTCLOUD_SECRET_KEY_2 HOME="$tmp/home" \
    TENCENTCLOUD_SECRET_ID="$secret_id" TENCENTCLOUD_SECRET_KEY="$secret_key" \
    TENCENTCLOUD_SESSION_TOKEN="$token" \
    "$djharness" "$@" >"$tmp/out/$name.out" 2>"$tmp/out/$name.err"
  rc=$?
  [[ $rc == "$expected" ]] ||
    fail "djharness $* exited $rc, expected $expected; stderr: $(head -c 2000 "$tmp/out/$name.err")"
  echo "ok: $name (djharness $1, exit $rc)"
}

start_mock clean
clean=$REPLY
start_mock faulty --fault second-delete-succeeds --fault errors-not-200
faulty=$REPLY

start_mock owned --no-control --autoprogress-ms 50 --foreign 5
owned=$REPLY

reports=$tmp/reports
# Without control: the run's own jobs, their ledger, and cleanup reading it back.
harness run-owned 0 run --target "$owned" --runs 3 --seed 11 --properties owned-jobs,auth-common \
  --report-dir "$reports/run-owned"
[[ -s $reports/run-owned/ledger.jsonl ]] || fail "the run without control wrote no ledger"
harness cleanup 0 cleanup "$reports/run-owned/ledger.jsonl"
harness run-clean 0 run --target "$clean" --runs 5 --seed 11 --report-dir "$reports/run-clean"
harness run-faulty 1 run --target "$faulty" --runs 5 --seed 11 --report-dir "$reports/run-faulty"
scripts=("$reports"/run-faulty/repro-*.sh)
[[ -f ${scripts[0]} ]] || fail "the failing run wrote no reproduction script"
harness replay-clean 0 replay "$reports/run-clean/results.json" --target "$clean"
harness replay-faulty 1 replay "$reports/run-faulty/results.json" --target "$faulty"
harness fuzz-clean 0 fuzz --target "$clean" --max-requests 200 --corpus "$corpus" \
  --report-dir "$reports/fuzz-clean"
harness fuzz-faulty 1 fuzz --target "$faulty" --max-requests 200 --corpus "$corpus" \
  --report-dir "$reports/fuzz-faulty"
findings=("$reports"/fuzz-faulty/fuzz-findings/*.http)
[[ -f ${findings[0]} ]] || fail "the fuzz campaign against the faulty mock saved no finding"
grep -q DJHARNESS-SECRET-ID "${findings[0]}" || fail "a saved finding holds no SecretId placeholder"
harness fuzz-replay 1 fuzz --replay "${findings[0]}" --target "$faulty"
grep -q '^still fails: yes' "$tmp/out/fuzz-replay.out" ||
  fail "the saved finding did not fail again: $(cat "$tmp/out/fuzz-replay.out")"
harness lifecycle 0 lifecycle --target "$clean"
harness lifecycle-v1 0 lifecycle --target "$clean" --style query-get

# The same credential from a tccli profile, with nothing in the environment.
printf '{"secretId": "%s", "secretKey": "%s", "token": "%s"}\n' "$secret_id" "$secret_key" \
  "$token" >"$tmp/profile-home/.tccli/default.credential"
printf '{"_sys_param": {"region": "ap-shanghai", "output": "json"}}\n' \
  >"$tmp/profile-home/.tccli/default.configure"
env -u TENCENTCLOUD_SECRET_ID -u TENCENTCLOUD_SECRET_KEY -u TENCENTCLOUD_SESSION_TOKEN \
  -u TENCENTCLOUD_TOKEN -u TENCENTCLOUD_REGION -u TCCLI_PROFILE HOME="$tmp/profile-home" \
  "$djharness" lifecycle --target "$clean" --style form-post \
  >"$tmp/out/lifecycle-profile.out" 2>"$tmp/out/lifecycle-profile.err" ||
  fail "lifecycle with a tccli profile failed: $(cat "$tmp/out/lifecycle-profile.err")"
grep -q "credentials: tccli profile \`default\`" "$tmp/out/lifecycle-profile.out" ||
  fail "lifecycle did not take the tccli profile's credentials"
grep -q "region: ap-shanghai" "$tmp/out/lifecycle-profile.out" ||
  fail "lifecycle did not take the tccli profile's region"
echo "ok: lifecycle-profile (credentials and region from ~/.tccli)"

# A reproduction script, with the credentials from the environment, against the faulty mock.
env -u TENCENTCLOUD_SECRET_ID_2 -u TENCENTCLOUD_SECRET_KEY_2 TENCENTCLOUD_SECRET_ID="$secret_id" \
  TENCENTCLOUD_SECRET_KEY="$secret_key" TENCENTCLOUD_SESSION_TOKEN="$token" DJ_TARGET="$faulty" \
  bash "${scripts[0]}" >"$tmp/out/repro.out" 2>"$tmp/out/repro.err" ||
  fail "${scripts[0]##*/} failed: $(head -c 2000 "$tmp/out/repro.err")"
grep -q '^outcome: ' "$tmp/out/repro.out" || fail "${scripts[0]##*/} printed no outcome"
echo "ok: ${scripts[0]##*/} ran against the faulty mock"

# Every 12-character piece of each secret, so that a cut or partly encoded copy is found too.
: >"$tmp/patterns"
for secret in "$secret_id" "$secret_key" "$token"; do
  for ((i = 0; i + 12 <= ${#secret}; i += 4)); do
    printf '%s\n' "${secret:i:12}" >>"$tmp/patterns"
  done
done

# scan DIR...: the files under DIR that hold any piece, one "file: line" per hit.
scan() { grep -rIF -f "$tmp/patterns" "$@"; }

# The scan itself must see a leak, or its silence below means nothing.
mkdir -p "$tmp/self-check"
printf 'X-TC-Token: %s\n' "${token:3:20}" >"$tmp/self-check/planted"
scan "$tmp/self-check" >/dev/null || fail "the scan does not find a planted piece of the token"

if scan "$tmp/reports" "$tmp/out" "$tmp/logs" >"$tmp/hits"; then
  echo "FAIL: credentials leaked:" >&2
  sed 's/^/  /' "$tmp/hits" | head -n 20 >&2
  exit 1
fi
checked=$(find "$tmp/reports" "$tmp/out" "$tmp/logs" -type f | wc -l)
echo "PASS: no piece of the SecretId, key or token in $checked report, output and log files"
