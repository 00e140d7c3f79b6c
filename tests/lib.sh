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
summary() {
  echo "$1: $passed passed, $failed failed"
  [ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
}
