#!/usr/bin/env bash
# secrets.no_credential_leaks: every djharness command is run with recognisable credentials, a
# session token and a control token, from the environment (and once from a tccli profile):
# run (with and without control), cleanup, replay, fuzz, fuzz --replay, lifecycle (every style),
# diff, report (every format and --diff), explain, faults and mock. The targets are
# `djharness mock`s that require the control token, with planted faults so that failures,
# reproduction scripts and fuzz findings are written, and gateways in front of them that echo
# into every error answer what the request carried (tests/gateway/gateway.py --echo-secrets).
# Then no part of the SecretId, the secret key, the session token or the control token may be
# in any file written, on any command's stdout or stderr, in the mocks' and gateways' logs, or
# in what a reproduction script prints; and no harness command line holds one (the mocks' do,
# by design, except the one that takes its control token from DJHARNESS_CONTROL_TOKEN).
# Last, credentials with a 1-character secret key: every command still works and every JSON
# file it writes still parses.
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
gateway=$2/tests/gateway/gateway.py
[[ -x $djharness ]] || fail "djharness binary not found or not executable: $djharness"
[[ -d $corpus ]] || fail "no request corpus at $corpus"
[[ -f $gateway ]] || fail "no gateway at $gateway"
for tool in curl openssl grep python3; do
  command -v "$tool" >/dev/null || fail "required tool not found: $tool"
done

# Letters and digits only, so that percent-encoding leaves them as they are.
secret_id=AKIDsecretsCheckId7Qx2Lm9Vb4Nc8Zr3
secret_key=secretsCheckKey5Hd8Wq1Ty6Pu3Jf0Ae
token=secretsCheckToken4Gs9Ke2Rm7Xa5YbUi
control_token=secretsCheckControl8Wn3Fq6Ld1Hv5Tc

tmp=$(mktemp -d)
pids=()
cleanup() {
  local rc=$? pid
  for pid in "${pids[@]}"; do
    kill -TERM "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
  done
  rm -rf "$tmp"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

# listen NAME COMMAND...: start COMMAND in the background, its stdout through a FIFO (no
# sleeping) and its stderr into logs/NAME.log; sets REPLY to the URL of its first line,
# "listening on URL", and LISTEN_FD to the FIFO's descriptor (for its further lines).
listen() {
  local name=$1 line
  shift
  mkfifo "$tmp/$name.fifo"
  "$@" >"$tmp/$name.fifo" 2>"$tmp/logs/$name.log" &
  pids+=($!)
  exec {LISTEN_FD}<"$tmp/$name.fifo"
  IFS= read -r -t 30 line <&"$LISTEN_FD" || fail "$name printed no first line"
  [[ $line =~ ^listening\ on\ (http://127\.0\.0\.1:[0-9]+)$ ]] ||
    fail "unexpected first line from $name: $line"
  REPLY=${BASH_REMATCH[1]}
}

# start_mock NAME [--env-token] ARG...: `djharness mock --port 0 --log` with the credentials and
# ARGs; DJHARNESS_CONTROL_TOKEN is the control token with --env-token, else unset.
start_mock() {
  local name=$1 control=()
  shift
  if [[ ${1-} == --env-token ]]; then
    control=(DJHARNESS_CONTROL_TOKEN="$control_token")
    shift
  fi
  listen "$name" env -u DJHARNESS_CONTROL_TOKEN "${control[@]}" "$djharness" mock --port 0 --log \
    --secret-id "$secret_id" --secret-key "$secret_key" "$@"
}

# start_echo NAME UPSTREAM: the gateway that echoes credentials, in front of UPSTREAM.
start_echo() {
  listen "$1" python3 "$gateway" --upstream "$2" --echo-secrets
}

mkdir -p "$tmp/logs" "$tmp/out" "$tmp/reports" "$tmp/home" "$tmp/profile-home/.tccli"

# harness NAME EXPECTED_EXIT [--no-control-token] ARG...: run djharness with the credentials
# and the control token in the environment (and an empty HOME, so that no real tccli profile is
# read); stdout and stderr are kept for the scan. EXPECTED_EXIT is a regex (0, 1, 0|1). No ARG
# may hold a secret (of 8 characters or more): nothing of them need be on a command line, where
# `ps` shows it.
harness() {
  local name=$1 expected=$2 rc arg secret control=(DJHARNESS_CONTROL_TOKEN="$control_token")
  shift 2
  if [[ $1 == --no-control-token ]]; then
    control=()
    shift
  fi
  for arg in "$@"; do
    for secret in "$secret_id" "$secret_key" "$token" "$control_token"; do
      [[ ${#secret} -lt 8 || $arg != *"$secret"* ]] || fail "$name: a secret on the command line"
    done
  done
  env -u TENCENTCLOUD_REGION -u TCCLI_PROFILE -u TENCENTCLOUD_TOKEN -u DJHARNESS_CONTROL_TOKEN \
    -u TENCENTCLOUD_SECRET_ID_2 -u TENCENTCLOUD_SECRET_KEY_2 HOME="$tmp/home" \
    TENCENTCLOUD_SECRET_ID="$secret_id" TENCENTCLOUD_SECRET_KEY="$secret_key" \
    TENCENTCLOUD_SESSION_TOKEN="$token" "${control[@]}" \
    "$djharness" "$@" >"$tmp/out/$name.out" 2>"$tmp/out/$name.err"
  rc=$?
  [[ $rc =~ ^($expected)$ ]] ||
    fail "djharness $* exited $rc, expected $expected; stderr: $(head -c 2000 "$tmp/out/$name.err")"
  echo "ok: $name (djharness $1, exit $rc)"
}

# The clean mock takes its control token from the environment, the faulty one from its flag.
start_mock clean --env-token --control
clean=$REPLY
IFS= read -r -t 30 line <&"$LISTEN_FD"
[[ $line == "control extension: on, token required" ]] ||
  fail "the mock given DJHARNESS_CONTROL_TOKEN says: $line"
start_mock faulty --control --control-token "$control_token" \
  --fault second-delete-succeeds --fault errors-not-200
faulty=$REPLY
start_mock owned --autoprogress-ms 50 --foreign 5
owned=$REPLY
start_echo echo-clean "$clean"
echo_clean=$REPLY
start_echo echo-faulty "$faulty"
echo_faulty=$REPLY
curl -s -o /dev/null -w '%{http_code}' -X POST -d '{}' "$clean/_conformance/reset" \
  >"$tmp/out/no-token-reset.status"
[[ $(cat "$tmp/out/no-token-reset.status") == 403 ]] ||
  fail "the mock given DJHARNESS_CONTROL_TOKEN does not require it"
echo "ok: mock-env-token (a control request without the token is refused)"

reports=$tmp/reports
# Without control: the run's own jobs, their ledger, and cleanup reading it back.
harness run-owned 0 run --target "$owned" --runs 3 --seed 11 --properties owned-jobs,auth-common \
  --report-dir "$reports/run-owned"
[[ -s $reports/run-owned/ledger.jsonl ]] || fail "the run without control wrote no ledger"
harness cleanup 0 cleanup "$reports/run-owned/ledger.jsonl"

# With control, the token from the environment only; without it the control probe is refused.
harness run-no-token 2 --no-control-token run --target "$clean" --runs 1 \
  --report-dir "$reports/run-no-token"
grep -q 'DJHARNESS_CONTROL_TOKEN' "$tmp/out/run-no-token.err" ||
  fail "the refusal does not name DJHARNESS_CONTROL_TOKEN: $(cat "$tmp/out/run-no-token.err")"
harness run-clean 0 run --target "$echo_clean" --runs 5 --seed 11 --report-dir "$reports/run-clean"
harness run-faulty 1 run --target "$echo_faulty" --runs 5 --seed 11 \
  --report-dir "$reports/run-faulty" --sarif "$reports/run-faulty.sarif"
scripts=("$reports"/run-faulty/repro-*.sh)
[[ -f ${scripts[0]} ]] || fail "the failing run wrote no reproduction script"
grep -rq 'DJHARNESS-SECRET-ID' "$reports/run-faulty" ||
  fail "no echoed SecretId reached the failing run's reports: the scan would prove nothing"
harness replay-clean 0 replay "$reports/run-clean/results.json" --target "$echo_clean"
harness replay-faulty 1 replay "$reports/run-faulty/results.json" --target "$echo_faulty"

harness fuzz-clean 0 fuzz --target "$clean" --max-requests 200 --corpus "$corpus" \
  --report-dir "$reports/fuzz-clean"
harness fuzz-faulty 1 fuzz --target "$echo_faulty" --max-requests 200 --corpus "$corpus" \
  --report-dir "$reports/fuzz-faulty"
findings=("$reports"/fuzz-faulty/fuzz-findings/*.http)
[[ -f ${findings[0]} ]] || fail "the fuzz campaign against the faulty mock saved no finding"
grep -q DJHARNESS-SECRET-ID "${findings[0]}" || fail "a saved finding holds no SecretId placeholder"
# The first saved findings, sent again with the real credential put back (through the echo).
for finding in "${findings[@]:0:4}"; do
  name=fuzz-replay-$(basename "$finding" .http)
  harness "$name" '0|1' fuzz --replay "$finding" --target "$echo_faulty"
  grep -q '^still fails: ' "$tmp/out/$name.out" || fail "$name: $(cat "$tmp/out/$name.out")"
done
cat "$tmp"/out/fuzz-replay-*.out | grep -q '^still fails: yes' ||
  fail "no saved finding failed again"
# A saved v1 request whose form body is declared text/plain: it is re-signed with the real
# credential, and its body must still be printed masked.
body='Action=DescribeJob&Version=2017-03-12&Region=ap-guangzhou&JobId=job-00000000&Timestamp=1'
body+='&Nonce=1&SecretId=DJHARNESS-SECRET-ID&Token=DJHARNESS-SESSION-TOKEN&Signature=c2lnbmF0dXJl'
mkdir -p "$reports/crafted"
request_head='POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/plain\r\nContent-Length: %d'
printf "$request_head"'\r\n\r\n%s' "${#body}" "$body" >"$reports/crafted/001-ENV-1.http"
printf '{"clause": "ENV-1", "signed": true}\n' >"$reports/crafted/001-ENV-1.json"
harness fuzz-replay-text-plain '0|1' fuzz --replay "$reports/crafted/001-ENV-1.http" \
  --target "$echo_faulty"
grep -q 'SecretId=<hidden>' "$tmp/out/fuzz-replay-text-plain.out" ||
  fail "the text/plain body was not shown masked: $(cat "$tmp/out/fuzz-replay-text-plain.out")"

harness lifecycle 0 lifecycle --target "$echo_clean"
for style in api3-get query-get form-post; do
  harness "lifecycle-$style" 0 lifecycle --target "$echo_clean" --style "$style"
done
grep -q 'DJHARNESS-SESSION-TOKEN' "$tmp/out/lifecycle-query-get.out" ||
  fail "the v1 walk printed no echoed token: the scan would prove nothing"

# diff: A echoes, B (second-delete-succeeds) succeeds where A refuses.
harness diff 1 diff --target "$echo_clean" --target "$faulty" --seed 8 --runs 40 \
  --properties histories --report-dir "$reports/diff"
grep -q 'DJHARNESS-SECRET-KEY\|DJHARNESS-SECRET-ID' "$reports/diff/diff.json" ||
  fail "no echo reached diff.json: the scan would prove nothing"

harness report 0 report "$reports/run-faulty/results.json" --html "$reports/report.html" \
  --markdown "$reports/report.md" --junit "$reports/report-junit.xml" \
  --sarif "$reports/report.sarif"
harness report-stdout 0 report "$reports/run-faulty/results.json"
harness report-diff 1 report --diff "$reports/run-clean/results.json" \
  "$reports/run-faulty/results.json" --json "$reports/report-diff.json"
harness explain 0 explain AUTH-1
harness faults 0 faults

# The same credential from a tccli profile, with nothing in the environment.
printf '{"secretId": "%s", "secretKey": "%s", "token": "%s"}\n' "$secret_id" "$secret_key" \
  "$token" >"$tmp/profile-home/.tccli/default.credential"
printf '{"_sys_param": {"region": "ap-shanghai", "output": "json"}}\n' \
  >"$tmp/profile-home/.tccli/default.configure"
env -u TENCENTCLOUD_SECRET_ID -u TENCENTCLOUD_SECRET_KEY -u TENCENTCLOUD_SESSION_TOKEN \
  -u TENCENTCLOUD_TOKEN -u TENCENTCLOUD_REGION -u TCCLI_PROFILE HOME="$tmp/profile-home" \
  DJHARNESS_CONTROL_TOKEN="$control_token" \
  "$djharness" lifecycle --target "$echo_clean" --style form-post \
  >"$tmp/out/lifecycle-profile.out" 2>"$tmp/out/lifecycle-profile.err" ||
  fail "lifecycle with a tccli profile failed: $(cat "$tmp/out/lifecycle-profile.err")"
grep -q "credentials: tccli profile \`default\`" "$tmp/out/lifecycle-profile.out" ||
  fail "lifecycle did not take the tccli profile's credentials"
grep -q "region: ap-shanghai" "$tmp/out/lifecycle-profile.out" ||
  fail "lifecycle did not take the tccli profile's region"
echo "ok: lifecycle-profile (credentials and region from ~/.tccli)"

# A reproduction script, with the credentials and the harness's control token variable from the
# environment, against the faulty mock itself (a script prints answers as they come).
env -u TENCENTCLOUD_SECRET_ID_2 -u TENCENTCLOUD_SECRET_KEY_2 -u DJ_CONTROL_TOKEN \
  TENCENTCLOUD_SECRET_ID="$secret_id" TENCENTCLOUD_SECRET_KEY="$secret_key" \
  TENCENTCLOUD_SESSION_TOKEN="$token" DJHARNESS_CONTROL_TOKEN="$control_token" \
  DJ_TARGET="$faulty" bash "${scripts[0]}" >"$tmp/out/repro.out" 2>"$tmp/out/repro.err" ||
  fail "${scripts[0]##*/} failed: $(head -c 2000 "$tmp/out/repro.err")"
grep -q '^outcome: ' "$tmp/out/repro.out" || fail "${scripts[0]##*/} printed no outcome"
echo "ok: ${scripts[0]##*/} ran against the faulty mock"

# Stop the mocks and gateways: their logs are complete (the gateways' summaries included).
for pid in "${pids[@]}"; do
  kill -TERM "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null
done
pids=()
grep -q 'echoed=[1-9]' "$tmp/logs/echo-clean.log" || fail "the echo gateway echoed nothing"

# Every 12-character piece of each secret, so that a cut or partly encoded copy is found too.
: >"$tmp/patterns"
for secret in "$secret_id" "$secret_key" "$token" "$control_token"; do
  for ((i = 0; i + 12 <= ${#secret}; i += 4)); do
    printf '%s\n' "${secret:i:12}" >>"$tmp/patterns"
  done
done

# scan DIR...: the files under DIR that hold any piece, one "file: line" per hit.
scan() { grep -rIF -f "$tmp/patterns" "$@"; }

# The scan itself must see a leak, or its silence below means nothing.
mkdir -p "$tmp/self-check"
printf 'X-Conformance-Token: %s\n' "${control_token:3:20}" >"$tmp/self-check/planted"
scan "$tmp/self-check" >/dev/null || fail "the scan does not find a planted piece of a token"

if scan "$tmp/reports" "$tmp/out" "$tmp/logs" >"$tmp/hits"; then
  echo "FAIL: credentials leaked:" >&2
  sed 's/^/  /' "$tmp/hits" | head -n 20 >&2
  exit 1
fi
checked=$(find "$tmp/reports" "$tmp/out" "$tmp/logs" -type f | wc -l)
echo "PASS: no piece of the SecretId, key, session token or control token in $checked files"

# A 1-character secret key: hiding it must not garble what is written (text replacement would
# hit every "1" of a JSON document), and every command must still do its work.
secret_key=1
start_mock short --control
short=$REPLY
harness short-run 0 run --target "$short" --runs 3 --seed 11 --report-dir "$reports/short-run"
harness short-fuzz 0 fuzz --target "$short" --max-requests 50 --corpus "$corpus" \
  --report-dir "$reports/short-fuzz"
harness short-diff 0 diff --target "$short" --target mock --seed 8 --runs 5 \
  --properties histories --report-dir "$reports/short-diff"
harness short-lifecycle 0 lifecycle --target "$short"
harness short-replay 0 replay "$reports/short-run/results.json" --target "$short"
python3 - "$reports/short-run/results.json" "$reports/short-fuzz/fuzz-results.json" \
  "$reports/short-diff/diff.json" "$short" <<'PY' || fail "a JSON file of the short key is broken"
import json, sys
for path in sys.argv[1:4]:
    json.load(open(path))
target = json.load(open(sys.argv[1]))["target"]
if target.rstrip("/") != sys.argv[4]:
    sys.exit("results.json names the target %r, not %r" % (target, sys.argv[4]))
PY
echo "PASS: with a 1-character secret key every command works and its JSON files parse"
