#!/usr/bin/env bash
# sdk.curl_seed_example: the seed page's Example 1 (GET /?Action=DeleteJob&JobId=...&<common
# parameters>, signature v1) built by hand with bash, openssl and curl, and sent to
# `djharness mock --control`. Nothing of djharness signs or encodes here, so this checks the
# mock's v1 verification against an independent signer (itself checked on facts §3d V1-A/V1-B).
#
# usage: curl_seed_example.sh PATH/TO/djharness
# exit:  0 every check passed, 1 a mismatch or an environment problem (message on stderr).
#
# Credentials are the mock's local default pair (harness/mock/mock_service.h). They are never
# printed: every request is shown with SecretId and Signature replaced by <hidden>.
set -uo pipefail
export LC_ALL=C

fail() {
  echo "FAIL: $*" >&2
  exit 1
}

[[ $# -eq 1 ]] || fail "usage: $0 PATH/TO/djharness"
djharness=$1
[[ -x $djharness ]] || fail "djharness binary not found or not executable: $djharness"
for tool in curl openssl python3; do
  command -v "$tool" >/dev/null || fail "required tool not found: $tool"
done

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
header="$here/../../harness/mock/mock_service.h"
read_default() {  # the string literal of `inline constexpr std::string_view NAME = "...";`
  sed -n "s/.*constexpr std::string_view $1 = \"\\([^\"]*\\)\";.*/\\1/p" "$header" | head -n 1
}
secret_id=$(read_default kDefaultSecretId)
secret_key=$(read_default kDefaultSecretKey)
[[ -n $secret_id && -n $secret_key ]] || fail "cannot read kDefaultSecretId/kDefaultSecretKey from $header"

# ---------------------------------------------------------------------------------------------
# The hand-made v1 signer.

# Percent-encode every byte outside RFC 3986's unreserved set, with upper-case hex.
urlencode() {
  local s=$1 out='' c i
  for ((i = 0; i < ${#s}; i++)); do
    c=${s:i:1}
    case $c in
      [A-Za-z0-9._~-]) out+=$c ;;
      *) printf -v c '%%%02X' "'$c"; out+=$c ;;
    esac
  done
  printf '%s' "$out"
}

# v1_source METHOD HOST NAME=VALUE...: METHOD + HOST + "/?" + the pairs sorted by name (byte
# order), joined with '&', values raw.
v1_source() {
  local method=$1 host=$2
  shift 2
  local joined
  joined=$(printf '%s\n' "$@" | sort -t= -k1,1 -s | paste -sd'&' -)
  printf '%s%s/?%s' "$method" "$host" "$joined"
}

# v1_sign sha1|sha256 KEY SOURCE: Base64 of the HMAC.
v1_sign() {
  printf '%s' "$3" | openssl dgst "-$1" -hmac "$2" -binary | openssl base64 -A
}

# query_string NAME=VALUE...: name=urlencode(value) joined with '&', in the order given.
query_string() {
  local out='' pair
  for pair in "$@"; do
    out+="${out:+&}${pair%%=*}=$(urlencode "${pair#*=}")"
  done
  printf '%s' "$out"
}

# The same query string with the SecretId and Signature values hidden, for printing.
redact_query() {
  sed -E 's/(^|&)(SecretId|Signature)=[^&]*/\1\2=<hidden>/g' <<<"$1"
}

# ---------------------------------------------------------------------------------------------
# 1. The signer against facts §3d (fake credentials, Timestamp 1735689599, Nonce 11886).

vec_id=AKIDHarnessFakeSecretId000000000000001
vec_key=HarnessFakeSecretKey0000000000001
vec_common=(JobId=job-f5da1edl Nonce=11886 Region=ap-guangzhou "SecretId=$vec_id"
            Timestamp=1735689599 Version=2017-03-12)

src=$(v1_source GET batch.tencentcloudapi.com Action=DeleteJob "${vec_common[@]}")
[[ $src == "GETbatch.tencentcloudapi.com/?Action=DeleteJob&JobId=job-f5da1edl&Nonce=11886&Region=ap-guangzhou&SecretId=$vec_id&Timestamp=1735689599&Version=2017-03-12" ]] ||
  fail "V1-A: the shell signer's source string differs from facts §3d"
sig=$(v1_sign sha1 "$vec_key" "$src")
[[ $sig == 'eIpxh3sThtcp/7VU/6XDVXk9RLA=' ]] || fail "V1-A: the shell signer's HmacSHA1 signature differs from facts §3d"
[[ $(urlencode "$sig") == 'eIpxh3sThtcp%2F7VU%2F6XDVXk9RLA%3D' ]] || fail "V1-A: the Signature is not percent-encoded as in facts §3d"
echo "ok: facts §3d V1-A (GET, HmacSHA1): source string, signature and encoded signature match"

src=$(v1_source POST batch.tencentcloudapi.com "${vec_common[@]}" SignatureMethod=HmacSHA256 Action=DeleteJob)
sig=$(v1_sign sha256 "$vec_key" "$src")
[[ $sig == 'anaU/ZU8833d7UtkBMA6RdAgupk9VEIWSa8/Cpy6iBM=' ]] || fail "V1-B: the shell signer's HmacSHA256 signature differs from facts §3d"
echo "ok: facts §3d V1-B (POST, HmacSHA256, parameters given unsorted): signature matches"

# ---------------------------------------------------------------------------------------------
# 2. Start the mock and read its first line through a coprocess (no sleeping).

tmp=$(mktemp -d)
mock_pid=''
stop_mock() {  # SIGTERM and reap; returns the mock's exit status
  local rc=0
  if [[ -n $mock_pid ]]; then
    kill -TERM "$mock_pid" 2>/dev/null
    wait "$mock_pid" 2>/dev/null
    rc=$?
    mock_pid=''
  fi
  return "$rc"
}
cleanup() {
  local rc=$?
  stop_mock
  rm -rf "$tmp"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

coproc MOCK { exec "$djharness" mock --port 0 --control; }
# shellcheck disable=SC2153  # MOCK_PID is set by coproc
mock_pid=$MOCK_PID
first=''
IFS= read -r -t 30 first <&"${MOCK[0]}" || fail "the mock printed no first line (it exited or took over 30 s)"
[[ $first =~ ^listening\ on\ http://(127\.0\.0\.1:[0-9]+)$ ]] ||
  fail "unexpected first line from the mock: $first"
host=${BASH_REMATCH[1]}
base="http://$host"
echo "mock: $first"

# curl_call METHOD URL [BODY]: sets $status, $ctype and $body. The proxy is bypassed on purpose.
curl_call() {
  local args=(-sS --noproxy '*' --max-time 20 -o "$tmp/body" -w '%{http_code} %{content_type}' -X "$1" "$2")
  [[ $# -ge 3 ]] && args+=(-H 'Content-Type: application/json' --data-binary "$3")
  local out
  out=$(curl "${args[@]}") || fail "curl $1 $2 failed"
  status=${out%% *}
  ctype=${out#* }
  body=$(<"$tmp/body")
}

control() {  # control PATH JSON: POST a control request, expect 200; sets $body
  curl_call POST "$base/_conformance/$1" "$2"
  [[ $status == 200 ]] || fail "control $1 answered HTTP $status: $body"
}

json_field() {  # json_field JSON KEY: a top-level string field
  python3 -c 'import json,sys; print(json.loads(sys.argv[1])[sys.argv[2]])' "$1" "$2"
}

create_job() {  # create_job: a completed job; prints its JobId
  control jobs '{"JobState":"SUCCEED","Tasks":[{"TaskName":"t0","InstanceStates":["SUCCEED"]}]}'
  json_field "$body" JobId
}

# ---------------------------------------------------------------------------------------------
# 3. The seed's Example 1 against the mock.

# Exactly the seed's success shape {"Response":{"RequestId":"<lowercase v4 uuid>"}}.
check_success() {
  python3 - "$1" <<'PY' || fail "DeleteJob did not answer exactly {\"Response\":{\"RequestId\":\"<lowercase uuid>\"}}"
import json, re, sys
try:
    doc = json.loads(sys.argv[1])
except ValueError as e:
    sys.exit("body is not JSON: %s" % e)
if not isinstance(doc, dict) or list(doc) != ["Response"]:
    sys.exit("top level must be exactly {\"Response\": ...}")
resp = doc["Response"]
if not isinstance(resp, dict) or list(resp) != ["RequestId"]:
    sys.exit("Response must hold exactly RequestId, got keys %r" % (list(resp) if isinstance(resp, dict) else resp))
rid = resp["RequestId"]
if not isinstance(rid, str) or not re.fullmatch(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}", rid):
    sys.exit("RequestId is not a lowercase version-4 UUID: %r" % (rid,))
PY
}

check_error() {  # check_error JSON CODE
  python3 - "$1" "$2" <<'PY' || fail "expected Error.Code $2"
import json, sys
doc = json.loads(sys.argv[1])
resp = doc.get("Response", {})
code = (resp.get("Error") or {}).get("Code")
if code != sys.argv[2]:
    sys.exit("Error.Code is %r, expected %r" % (code, sys.argv[2]))
if not isinstance(resp.get("RequestId"), str) or not resp["RequestId"]:
    sys.exit("the error answer has no RequestId")
PY
}

# delete_job LABEL URL EXPECT: EXPECT is "success" or an error code.
delete_job() {
  control clock '{"AdvanceMs":1000}'
  echo "request ($1): GET /?$(redact_query "$2")"
  echo "  Host: $host"
  curl_call GET "$base/?$2"
  echo "answer: HTTP $status, Content-Type: $ctype"
  echo "  $body"
  [[ $status == 200 ]] || fail "$1: HTTP $status, expected 200"
  [[ $ctype == application/json ]] || fail "$1: Content-Type '$ctype', expected application/json"
  if [[ $3 == success ]]; then check_success "$body"; else check_error "$body" "$3"; fi
  echo "ok: $1"
}

# seed_example sha1|sha256 JOBID: builds the request line; prints the query string.
seed_example() {
  local algo=$1 job=$2 nonce
  nonce=$(( (RANDOM << 15 | RANDOM) + 1 ))
  local params=(Action=DeleteJob "JobId=$job" Nonce="$nonce" Region=ap-guangzhou
                "SecretId=$secret_id" Timestamp="$(date +%s)" Version=2017-03-12)
  [[ $algo == sha256 ]] && params+=(SignatureMethod=HmacSHA256)
  local source signature
  source=$(v1_source GET "$host" "${params[@]}")
  signature=$(v1_sign "$algo" "$secret_key" "$source")
  query_string "${params[@]}" "Signature=$signature"
}

for algo in sha256 sha1; do
  job=$(create_job) || exit 1
  [[ $job =~ ^job-[0-9a-z]{8}$ ]] || fail "the control extension returned an odd JobId: $job"
  echo "created SUCCEED job $job through /_conformance/jobs"
  method=$([[ $algo == sha256 ]] && echo "HmacSHA256" || echo "HmacSHA1, no SignatureMethod")
  query=$(seed_example "$algo" "$job")
  delete_job "DeleteJob $job, $method" "$query" success
  delete_job "same DeleteJob again, $method" "$query" ResourceNotFound.Job
done

stop_mock || fail "the mock did not exit cleanly on SIGTERM (status $?)"
echo "PASS: the seed's Example 1 (v1 HmacSHA256 and HmacSHA1) is accepted and answered in the seed's shape"
