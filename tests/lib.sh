# Shared by the end-to-end test scripts: `check NAME COMMAND...` runs a command with its output
# in $work/out, prints ok or FAIL (with the output's tail) and counts passed and failed; `summary
# NAME` prints the closing line "NAME: N passed, N failed" and sets the exit status.
# The sourcing script sets $work to a scratch directory first.
passed=0
failed=0
check() {
  local name=$1
  shift
  if "$@" >"$work/out" 2>&1; then
    passed=$((passed + 1))
    echo "ok    $name"
  else
    failed=$((failed + 1))
    echo "FAIL  $name"
    sed 's/^/      /' "$work/out" | tail -20
  fi
}
# show: what the last check printed, also when it passed; check_show NAME COMMAND...: check,
# and show the output when it passed (the counts a test prints are its report).
show() { sed 's/^/      /' "$work/out"; }
check_show() {
  local before=$failed
  check "$@"
  [ "$failed" -ne "$before" ] || show
}
summary() {
  echo "$1: $passed passed, $failed failed"
  [ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
}
# scores_at_least SHARED_DIR DISCREPANCIES.csv TRUTH.csv [nonempty]: scores the discrepancy file
# against the truth with shared/tools/check-discrepancies (printing the scores, kept in
# $work/score) and fails unless all eight types of the spec reach precision and recall >= 0.99
# (and, with "nonempty", each type has truth items).
scores_at_least() {
  "$1/tools/check-discrepancies" "$2" --truth "$3" >"$work/score" || return 1
  cat "$work/score"
  python3 - "$work/score" "${4:-}" <<'PY'
import re, sys
rows = re.findall(r'(\w+) +truth= *(\d+) +found= *(\d+) +precision=([\d.]+) +recall=([\d.]+)',
                  open(sys.argv[1]).read())
assert len(rows) == 8, rows
bad = [(t, truth, p, r) for t, truth, found, p, r in rows
       if float(p) < 0.99 or float(r) < 0.99 or (sys.argv[2] == "nonempty" and int(truth) == 0)]
assert not bad, bad
PY
}
# new_store POPREG DB: a new store with its first admin ("admin") and a clerk of the whole
# district ("clerk"), password in $work/password (scripts/new-store); the scripts act as the clerk.
POPREG_SCRIPTS=$(cd "$(dirname "${BASH_SOURCE[0]}")/../scripts" && pwd)
export POPREG_SCRIPTS work
new_store() {
  "$POPREG_SCRIPTS/new-store" "$1" "$2" "$work/password"
}
export -f new_store
export POPREG_USER=clerk
