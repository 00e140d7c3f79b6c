#!/usr/bin/env bash
# Golden files for `popreg normalize`: each tests/golden/normalize/KIND.tsv holds lines
#   input<TAB>normalized<TAB>valid<TAB>detail
# exactly as the command must print them for --kind KIND. Lines starting with '#' are comments;
# a line '#! ARGS' gives extra arguments (e.g. '#! --as-of 2026-09-30'). A bug found becomes a
# line here.
# usage: golden_normalize_test.sh POPREG GOLDEN_DIR
set -uo pipefail
popreg=$1
dir=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
passed=0
failed=0
for f in "$dir"/*.tsv; do
  kind=$(basename "$f" .tsv)
  args=$(sed -n 's/^#! //p' "$f" | sed "s|@DIR@|$dir|g")
  grep -v '^#' "$f" | grep -v '^$' >"$work/expected"
  cut -f1 "$work/expected" >"$work/input"
  # shellcheck disable=SC2086
  if ! "$popreg" normalize --kind "$kind" $args <"$work/input" >"$work/actual" 2>"$work/err"; then
    echo "FAIL  $kind: popreg exited with an error:"
    sed 's/^/      /' "$work/err"
    failed=$((failed + 1))
    continue
  fi
  while IFS= read -r want && IFS= read -r got <&3; do
    if [ "$want" == "$got" ]; then
      passed=$((passed + 1))
    else
      failed=$((failed + 1))
      echo "FAIL  $kind"
      echo "      want: $want"
      echo "      got:  $got"
    fi
  done <"$work/expected" 3<"$work/actual"
  if [ "$(wc -l <"$work/expected")" != "$(wc -l <"$work/actual")" ]; then
    echo "FAIL  $kind: $(wc -l <"$work/actual") lines out for $(wc -l <"$work/expected") in"
    failed=$((failed + 1))
  fi
done
echo "golden_normalize: $passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
