# Sourced by the shell tests that start local servers and `djharness run`: fail, a temporary
# folder $tmp, the mock's local credentials in the environment, and `start`, whose every
# process is stopped (KILL) when the test exits.
set -uo pipefail
export LC_ALL=C

fail() {
  echo "FAIL: $*" >&2
  exit 1
}
command -v python3 >/dev/null || fail "python3 not found"

tmp=$(mktemp -d)
pids=()
stop_all() {
  local rc=$? pid
  for pid in "${pids[@]}"; do
    kill -KILL "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
  done
  rm -rf "$tmp"
  exit "$rc"
}
trap stop_all EXIT
trap 'exit 1' INT TERM HUP

export TENCENTCLOUD_SECRET_ID=AKIDdjharnessLocalMock0000000000000001
export TENCENTCLOUD_SECRET_KEY=djharnessLocalMockSecretKey000001
unset TENCENTCLOUD_TOKEN TENCENTCLOUD_SECRET_ID_2 TENCENTCLOUD_SECRET_KEY_2 TCCLI_PROFILE

# start NAME COMMAND...: start a server whose first line is "listening on URL" (read through a
# FIFO: no sleeping); REPLY = the URL. The rest of what it prints is read and dropped, so that
# it never blocks on a full pipe.
start() {
  local name=$1 fd line
  shift
  mkfifo "$tmp/$name.fifo"
  "$@" >"$tmp/$name.fifo" 2>"$tmp/$name.err" &
  pids+=($!)
  exec {fd}<"$tmp/$name.fifo"
  IFS= read -r -t 60 line <&"$fd" || fail "$name printed no first line: $(cat "$tmp/$name.err")"
  [[ $line =~ ^listening\ on\ (http://127\.0\.0\.1:[0-9]+)$ ]] || fail "$name's first line: $line"
  REPLY=${BASH_REMATCH[1]}
  cat <&"$fd" >/dev/null &
  pids+=($!)
  exec {fd}<&-
}
