#!/usr/bin/env bash
# docs: the generated pages are checked against the tables they come from. In a copy of the
# committed docs/clauses.md and docs/cli.md: `djharness_docs check` fails, naming clauses.md and
# the line, once a clause's entry is stale (as when clauses.def changes and nobody regenerates);
# it passes again after `djharness_docs write` (what `cmake --build ... --target docs` runs).
#
# usage: docs_stale_test.sh PATH/TO/djharness_docs PATH/TO/docs
set -uo pipefail
fail() {
  echo "FAIL: $*" >&2
  exit 1
}
[[ $# -eq 2 && -x $1 && -d $2 ]] || fail "usage: $0 PATH/TO/djharness_docs PATH/TO/docs"
gen=$1
docs=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cp "$docs/clauses.md" "$docs/cli.md" "$tmp/" || fail "no generated pages in $docs"

# Stale: DEL-2's text as it might have read before the table changed.
rule='Deleting a job that is not in SUCCEED or FAILED is refused.'
grep -qF "$rule" "$tmp/clauses.md" || fail "clauses.md has no DEL-2 entry to make stale"
sed -i "s/$rule/Deleting a RUNNING job is refused./" "$tmp/clauses.md"
"$gen" check "$tmp" >"$tmp/out" 2>"$tmp/err"
rc=$?
cat "$tmp/err"
[[ $rc -eq 1 ]] || fail "check of a stale clauses.md exited $rc, not 1"
grep -q "clauses.md is out of date: line [0-9]*: generated .*$rule" "$tmp/err" ||
  fail "the check does not name clauses.md and the stale line"
grep -q "cli.md" "$tmp/err" && fail "the check called cli.md stale too"
grep -qF "cmake --build build/dev --target docs" "$tmp/err" || fail "the check does not say how to regenerate"

# Regenerated: the check passes.
"$gen" write "$tmp" >/dev/null || fail "write failed"
"$gen" check "$tmp" || fail "the check fails after regeneration"
grep -qF "$rule" "$tmp/clauses.md" || fail "regeneration did not restore the DEL-2 entry"
echo "ok: a stale clauses.md fails the check, and passes once regenerated"
