#!/usr/bin/env bash
# interrupt: SIGINT or SIGTERM during `djharness run` stops it within seconds, with partial
# results.json, summary.md and junit.xml written and exit 130 (SIGINT) or 143 (SIGTERM).
#   interrupt_test.sh DJHARNESS busy    a mock with control and a run of 100000 histories per
#                                       property: the signal finds the run between requests
#   interrupt_test.sh DJHARNESS silent  a target that stops answering once the run has begun,
#                                       with --timeout-ms 60000: the signal finds a call in
#                                       flight, which must end at once (HttpTargetOptions::cancel,
#                                       honoured by the socket transport only), not at its deadline
# The first output line of the run is awaited (tail -F, bounded), never slept for.
[[ $# -eq 2 && -x $1 ]] || { echo "usage: $0 PATH/TO/djharness busy|silent" >&2; exit 1; }
djharness=$1
mode=$2
# shellcheck source=local_servers.sh
source "$(dirname "$0")/local_servers.sh"

# await FILE PATTERN SECONDS: until a line of FILE matches PATTERN (grep -E), at most SECONDS.
await() {
  local fd follower found=1
  exec {fd}< <(exec timeout "$3" tail -n +1 -F "$1" 2>/dev/null)
  follower=$!
  grep -m1 -qE "$2" <&"$fd" && found=0
  kill -TERM "$follower" 2>/dev/null
  exec {fd}<&-
  return "$found"
}

# interrupt SIGNAL EXPECTED ARGS...: start `djharness run ARGS`, wait for its first line (and,
# for the silent target, for a request held), send SIGNAL, expect EXPECTED within 10 s.
interrupt() {
  local signal=$1 expected=$2 dir run_pid rc started elapsed
  shift 2
  dir=$tmp/$signal
  "$djharness" run --report-dir "$dir" "$@" >"$dir.out" 2>"$dir.err" &
  run_pid=$!
  pids+=("$run_pid")
  await "$dir.out" '^djharness run: target ' 120 || { cat "$dir.out" "$dir.err" >&2; fail "no first line"; }
  if [[ $mode == busy ]]; then
    # Mid-run: once the mock has answered a DeleteJob of this run (its --log, on stderr).
    await "$tmp/mock$signal.err" "DeleteJob" 60 || fail "the run sent no DeleteJob"
  fi
  if [[ $mode == silent ]]; then
    touch "$tmp/hold"
    await "$tmp/held" '^held' 60 || fail "the target held no request"
  fi
  started=$(date +%s%N)
  kill -"$signal" "$run_pid"
  # Until it exits, at most 10 s (a run that does not stop fails the test).
  timeout 10 tail --pid="$run_pid" -s 0.05 -f /dev/null
  kill -0 "$run_pid" 2>/dev/null && { cat "$dir.out" >&2; fail "$signal: still running after 10 s"; }
  wait "$run_pid"
  rc=$?
  elapsed=$((($(date +%s%N) - started) / 1000000))
  [[ $rc -eq $expected ]] || { cat "$dir.out" "$dir.err" >&2; fail "$signal: exit $rc, not $expected"; }
  python3 - "$dir/results.json" "SIG$signal" <<'PY' || fail "$signal: results.json"
import json, sys
r = json.load(open(sys.argv[1]))
assert r["partial"] is True and r["partial_reason"] == "interrupted by " + sys.argv[2], r.get("partial_reason")
print(f"results.json: partial, {r['partial_reason']}; {r['histories']} histories, {r['requests']} requests")
PY
  grep -q "^partial: interrupted by SIG$signal" "$dir.out" || fail "$signal: no partial line on stdout"
  grep -q "Partial results" "$dir/summary.md" || fail "$signal: summary.md does not say partial"
  grep -q 'name="partial" value="interrupted by SIG'"$signal"'"' "$dir/junit.xml" ||
    fail "$signal: junit.xml does not say partial"
  echo "ok: $signal: exit $rc ${elapsed} ms after the signal, partial results written"
}

case $mode in
  busy)
    for signal in INT TERM; do
      start "mock$signal" "$djharness" mock --control --port 0 --log
      expected=130
      [[ $signal == TERM ]] && expected=143
      interrupt "$signal" "$expected" --target "$REPLY" --control "$REPLY" --runs 100000 --seed 11
    done
    ;;
  silent)
    # Answers like a target without control (404 to the reset, ResourceNotFound.Job with a Date
    # header to everything else) until the file `hold` exists; from then on it reads each
    # request and never answers, and writes "held" to the file `held`.
    cat >"$tmp/silent.py" <<'PY'
import email.utils, http.server, os, sys, threading
hold, held = sys.argv[1], sys.argv[2]
class Silent(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def answer(self):
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        if os.path.exists(hold):
            with open(held, "a") as f:
                f.write("held\n")
            threading.Event().wait()  # never answers
        body = b'{"Response":{"Error":{"Code":"ResourceNotFound.Job","Message":"no such job"},"RequestId":"7d6c3bd4-0000-4000-8000-000000000000"}}'
        self.send_response_only(404 if self.path.startswith("/_conformance") else 200)
        self.send_header("Date", email.utils.formatdate(usegmt=True))
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    do_GET = do_POST = answer
    def log_message(self, *args):
        pass
http.server.ThreadingHTTPServer.daemon_threads = True
server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Silent)
print(f"listening on http://127.0.0.1:{server.server_address[1]}", flush=True)
server.serve_forever()
PY
    for signal in INT TERM; do
      rm -f "$tmp/hold" "$tmp/held"
      start "silent$signal" python3 "$tmp/silent.py" "$tmp/hold" "$tmp/held"
      expected=130
      [[ $signal == TERM ]] && expected=143
      interrupt "$signal" "$expected" --target "$REPLY" --runs 100000 --timeout-ms 60000 \
        --properties auth-common --seed 13
    done
    ;;
  *) fail "mode must be busy or silent" ;;
esac
