#!/usr/bin/env bash
# clock_offset: `djharness run` against `djharness mock --clock-offset-s N` (a target whose
# clock is off) measures the offset from the Date header, prints it, records it in
# results.json, and signs at the target's time, so that the run passes (AUTH-2 included, its
# planted timestamps being relative to the target's clock); a target whose Date header is not
# the clock it checks signatures by (a proxy that moves Date 1000 s ahead) is a setup error
# (exit 3, one line); and the planted AUTH-2 fault is still found.
#
# usage: clock_offset_test.sh PATH/TO/djharness
[[ $# -eq 1 && -x $1 ]] || { echo "usage: $0 PATH/TO/djharness" >&2; exit 1; }
djharness=$1
# shellcheck source=local_servers.sh
source "$(dirname "$0")/local_servers.sh"

# offset_run OFFSET: a run against a mock OFFSET seconds ahead must pass and report the offset.
offset_run() {
  local offset=$1 url out rc measured
  start "mock$offset" "$djharness" mock --control --port 0 --clock-offset-s "$offset"
  url=$REPLY
  out=$tmp/run$offset
  "$djharness" run --target "$url" --control "$url" --runs 2 --seed 7 \
    --report-dir "$out" >"$out.out" 2>&1
  rc=$?
  [[ $rc -eq 0 ]] || { cat "$out.out" >&2; fail "the run against a clock $offset s ahead exited $rc"; }
  line=$(grep -m1 '^target clock: ' "$out.out") || fail "no target clock line (offset $offset)"
  [[ $line =~ ^target\ clock:\ ([0-9]+)\ s\ ahead\ of\ ours\ \(Date\ header,\ ±1\ s\)$ ]] ||
    fail "unexpected clock line: $line"
  measured=${BASH_REMATCH[1]}
  ((measured >= offset - 1 && measured <= offset + 1)) || fail "measured $measured, not $offset ±1"
  python3 - "$out/results.json" "$offset" <<'PY' || fail "results.json (offset $offset)"
import json, sys
r = json.load(open(sys.argv[1]))
c = r["target_clock"]
offset = int(sys.argv[2])
assert c["source"] == "date-header", c
assert abs(c["offset_s"] - offset) <= 1, c
assert "partial" not in r, r.get("partial_reason")
auth2 = [x for x in r["clauses"] if x["id"] == "AUTH-2"][0]
assert auth2["status"] == "passed" and auth2["checks"] > 0, auth2
print(f"results.json: target_clock {c}; AUTH-2 {auth2['status']} with {auth2['checks']} checks")
PY
  echo "ok: clock $offset s ahead: $line; exit 0"
}

offset_run 40
offset_run 400

# A Date header 1000 s ahead of the clock the target signs by.
start mock0 "$djharness" mock --port 0
mock_url=$REPLY
cat >"$tmp/proxy.py" <<'PY'
# Forwards every request to the mock and answers with its Date header 1000 s ahead.
import email.utils, http.client, http.server, sys, time
upstream = sys.argv[1].split("//")[1]
class Proxy(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def forward(self):
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        conn = http.client.HTTPConnection(upstream, timeout=30)
        conn.request(self.command, self.path, body, dict(self.headers))
        answer = conn.getresponse()
        data = answer.read()
        self.send_response_only(answer.status)
        for name, value in answer.getheaders():
            if name.lower() not in ("date", "content-length", "connection"):
                self.send_header(name, value)
        self.send_header("Date", email.utils.formatdate(time.time() + 1000, usegmt=True))
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)
    do_GET = do_POST = forward
    def log_message(self, *args):
        pass
server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Proxy)
print(f"listening on http://127.0.0.1:{server.server_address[1]}", flush=True)
server.serve_forever()
PY
start proxy python3 "$tmp/proxy.py" "$mock_url"
proxy_url=$REPLY
"$djharness" run --target "$proxy_url" --runs 1 --report-dir "$tmp/lying" >"$tmp/lying.out" 2>&1
rc=$?
[[ $rc -eq 3 ]] || { cat "$tmp/lying.out" >&2; fail "a lying Date header: exit $rc, not 3"; }
grep -q "AuthFailure.SignatureExpire" "$tmp/lying.out" || { cat "$tmp/lying.out" >&2; fail "no reason"; }
[[ $(wc -l <"$tmp/lying.out") -eq 1 ]] || { cat "$tmp/lying.out" >&2; fail "more than one line"; }
[[ ! -e $tmp/lying/results.json ]] || fail "a setup error wrote results"
echo "ok: a Date header 1000 s off the signing clock: exit 3: $(cat "$tmp/lying.out")"

# AUTH-2 with no offset passes over HTTP, and its planted fault is found.
start mockfault "$djharness" mock --control --port 0 --fault expired-accepted
url=$REPLY
"$djharness" run --target "$url" --control "$url" --properties auth-common --runs 5 --seed 3 \
  --report-dir "$tmp/fault" >"$tmp/fault.out" 2>&1
rc=$?
[[ $rc -eq 1 ]] || { cat "$tmp/fault.out" >&2; fail "the expired-accepted fault: exit $rc, not 1"; }
grep -qE '^AUTH-2 +FAILED' "$tmp/fault.out" || { cat "$tmp/fault.out" >&2; fail "AUTH-2 not failed"; }
grep -q '^target clock: the same as ours (Date header, ±1 s)$' "$tmp/fault.out" ||
  { cat "$tmp/fault.out" >&2; fail "no offset 0 line"; }
echo "ok: the planted expired-accepted fault is found under AUTH-2"
"$djharness" run --target "$mock_url" --properties auth-common --runs 5 --seed 3 \
  --report-dir "$tmp/clean" >"$tmp/clean.out" 2>&1
rc=$?
grep -qE '^AUTH-2 +passed' "$tmp/clean.out" || { cat "$tmp/clean.out" >&2; fail "AUTH-2 did not pass (exit $rc)"; }
echo "ok: AUTH-2 passes against the mock with no offset (exit $rc)"
