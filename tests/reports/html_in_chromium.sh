#!/usr/bin/env bash
# report.html_in_chromium: the HTML report of a run against a faulty mock, opened in headless
# Chromium, shows the failure, its timeline and the heatmap (after its script ran), writes
# nothing to the console, and makes no network request; a screenshot is saved.
#
# Network requests are caught by pointing Chromium at a logging proxy that answers 502 to
# everything, loopback included. Chromium itself still calls a few Google services (component
# updates, clock, accounts) whatever the flags; those requests are listed and left out of the
# verdict, and the report is checked not to name those hosts, so none of them can be the page's.
# Before the report, a deliberately bad page (a remote image, a fetch and a script error) must
# be caught by the same checks: a check that cannot fail would prove nothing.
#
# usage: html_in_chromium.sh PATH/TO/djharness OUT_DIR
#   writes OUT_DIR/report-screenshot.png and OUT_DIR/report/ (the run's report dir)
# exit: 0 all checks hold; 1 a check failed; 77 Chromium is not installed (ctest: skipped).
set -uo pipefail
export LC_ALL=C

fail() {
  echo "FAIL: $*" >&2
  exit 1
}

[[ $# -eq 2 ]] || fail "usage: $0 PATH/TO/djharness OUT_DIR"
djharness=$1
out=$2
chromium=$(command -v chromium || command -v chromium-browser || true)
if [[ -z $chromium ]]; then
  echo "SKIP: chromium is not installed (apt-get install chromium)"
  exit 77
fi
command -v python3 >/dev/null || fail "python3 is needed for the logging proxy"
mkdir -p "$out" || fail "cannot create $out"
out=$(cd "$out" && pwd)

tmp=$(mktemp -d)
proxy_pid=
cleanup() {
  [[ -n $proxy_pid ]] && kill "$proxy_pid" 2>/dev/null && wait "$proxy_pid" 2>/dev/null
  rm -rf "$tmp"
}
trap cleanup EXIT

# The proxy: logs the request line of every request or CONNECT, answers 502.
cat >"$tmp/proxy.py" <<'EOF'
import http.server, socketserver, sys
log = open(sys.argv[1], "a", buffering=1)
class Refuse(http.server.BaseHTTPRequestHandler):
    def handle_one_request(self):
        try:
            self.raw_requestline = self.rfile.readline(65537)
            if not self.raw_requestline or not self.parse_request():
                self.close_connection = True
                return
            log.write(self.command + " " + self.path + "\n")
            self.send_error(502, "no network in this test")
        except OSError:
            self.close_connection = True
    def log_message(self, *args):
        pass
server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Refuse)
print(server.server_address[1], flush=True)
server.serve_forever()
EOF
coproc PROXY { exec python3 "$tmp/proxy.py" "$tmp/requests.log"; }
proxy_pid=$PROXY_PID
read -r -u "${PROXY[0]}" port || fail "the proxy did not start"
[[ $port =~ ^[0-9]+$ ]] || fail "the proxy printed no port: $port"

# Chromium's own services, not a page's: left out of the verdict (and checked absent from the
# report's text below).
browser_hosts='(^|[./ ])(google\.com|googleapis\.com|gvt1\.com|gstatic\.com)(:[0-9]+)?([/ ]|$)'

# open PAGE NAME: load it headless through the proxy; NAME.dom is the DOM after its script
# ran, NAME.console its console lines, NAME.requests the page's requests.
open_page() {
  local page=$1 name=$2
  : >"$tmp/requests.log"
  timeout 60 "$chromium" --headless --no-sandbox --disable-gpu --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --disable-extensions --disable-default-apps --disable-domain-reliability --no-pings \
    --user-data-dir="$tmp/profile-$name" --proxy-server="http://127.0.0.1:$port" \
    --proxy-bypass-list='<-loopback>' --enable-logging=stderr --v=0 \
    --virtual-time-budget=5000 --dump-dom "file://$page" >"$tmp/$name.dom" 2>"$tmp/$name.err" ||
    fail "chromium failed on $page (exit $?): $(tail -3 "$tmp/$name.err")"
  grep -F ':CONSOLE' "$tmp/$name.err" >"$tmp/$name.console"
  grep -Ev "$browser_hosts" "$tmp/requests.log" >"$tmp/$name.requests"
  grep -E "$browser_hosts" "$tmp/requests.log" >"$tmp/$name.browser"
}

# 1. The checks catch a bad page.
cat >"$tmp/bad.html" <<'EOF'
<!DOCTYPE html><html><body><img src="http://example.invalid/pixel.png">
<script>fetch("http://example.invalid/data.json").catch(function () {}); undefined_function();</script>
</body></html>
EOF
open_page "$tmp/bad.html" bad
grep -q 'undefined_function' "$tmp/bad.console" || fail "the console check missed a script error"
grep -q 'example.invalid/pixel.png' "$tmp/bad.requests" || fail "the proxy missed an image"
grep -q 'example.invalid/data.json' "$tmp/bad.requests" || fail "the proxy missed a fetch"
echo "the checks catch a bad page: $(wc -l <"$tmp/bad.console") console line(s)," \
  "$(wc -l <"$tmp/bad.requests") request(s)"

# 2. A run against a faulty mock: DEL-2 (a RUNNING job is deleted) and RL-1 (limit 1/s).
report=$out/report
rm -rf "$report"
"$djharness" run --seed 3 --runs 20 --fault running-deletable --fault limit-one-per-second \
  --report-dir "$report" >"$tmp/run.txt" 2>&1
rc=$?
[[ $rc -eq 1 ]] || fail "the faulty run should exit 1, got $rc: $(tail -5 "$tmp/run.txt")"
html=$report/report.html
[[ -s $html ]] || fail "the run wrote no $html"
grep -Eq "$browser_hosts" "$html" && fail "the report names a host of Chromium's own services"

open_page "$html" report
dom=$tmp/report.dom
[[ -s $tmp/report.console ]] && fail "console output: $(cat "$tmp/report.console")"
[[ -s $tmp/report.requests ]] && fail "the page made network requests: $(cat "$tmp/report.requests")"
grep -q 'id="verdict">NOT CONFORMANT<' "$dom" || fail "no NOT CONFORMANT verdict"
for clause in DEL-2 RL-1; do
  grep -q "id=\"failure-$clause\"" "$dom" || fail "no failure section for $clause"
done
grep -q '<ol class="timeline">' "$dom" || fail "no timeline"
grep -q 'class="copy"' "$dom" || fail "no copy buttons"
grep -q 'id="heatmap"' "$dom" || fail "no heatmap"
cells=$(grep -o 'class="cell"' "$dom" | wc -l)
[[ $cells -eq 72 ]] || fail "the heatmap has $cells cells, not 8 x 9"
# The script ran: it filled the table of histories and its pager.
grep -Eq 'id="history-page"[^>]*>page 1 of [0-9]+ \([0-9]+ histories\)' "$dom" ||
  fail "the histories table was not filled (did the script run?)"
echo "report: verdict, failures DEL-2 and RL-1 with timelines, heatmap of $cells cells," \
  "histories table filled; no console output; no network request" \
  "($(wc -l <"$tmp/report.browser") request(s) of Chromium's own services left out)"

# 3. The screenshot.
shot=$out/report-screenshot.png
rm -f "$shot"
timeout 60 "$chromium" --headless --no-sandbox --disable-gpu --no-first-run \
  --disable-background-networking --disable-component-update --disable-sync \
  --user-data-dir="$tmp/profile-shot" --proxy-server="http://127.0.0.1:$port" \
  --proxy-bypass-list='<-loopback>' --hide-scrollbars --window-size=1280,4000 \
  --virtual-time-budget=5000 --screenshot="$shot" "file://$html" >/dev/null 2>&1
[[ -s $shot ]] || fail "no screenshot at $shot"
[[ $(head -c 8 "$shot" | od -An -tx1 | tr -d ' \n') == 89504e470d0a1a0a ]] ||
  fail "$shot is not a PNG"
echo "screenshot: $shot ($(wc -c <"$shot") bytes)"
