#!/usr/bin/env bash
# End-to-end: `popreg init` and `popreg import` on every file of a generated district (mixed
# headers, encodings and spellings), re-import as a no-op, the register guard, and a bad file
# that changes nothing.
# usage: cli_store_test.sh POPREG
set -uo pipefail
popreg=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# shellcheck source=tests/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
db=$work/store.db

"$popreg" gen --out "$work/d" --households 600 --seed 9 >/dev/null
check "init" bash -c "'$popreg' init --db '$db' | grep -q 'schema version'"
check "init refuses an existing store" bash -c "! '$popreg' init --db '$db' 2>/dev/null"
for kind in areas register police_population police_births vaccinations cremations \
  death_certificates manual_report; do
  check "import $kind" bash -c "'$popreg' import --db '$db' --kind $kind '$work/d/$kind.csv' \
    | grep -Eq 'rejected +0'"
done
check "re-import is a no-op" bash -c "'$popreg' import --db '$db' --kind register \
  '$work/d/register.csv' | grep -q 'nothing to do'"
cp "$work/d/register.csv" "$work/register2.csv" && echo >>"$work/register2.csv"
printf 'x' >>"$work/register2.csv"
check "a second register needs --replace" bash -c "'$popreg' import --db '$db' --kind register \
  '$work/register2.csv' 2>&1 | grep -q -- '--replace'"
state() { cat "$db" "$db-wal" 2>/dev/null | sha256sum | cut -d' ' -f1; }  # the file and its WAL
sha_before=$(state)
printf 'name,sex\n张伟,男\n' >"$work/bad.csv"
check "a missing required column is named" bash -c "'$popreg' import --db '$db' \
  --kind police_population '$work/bad.csv' 2>&1 | grep -q 'birth_date'"
check "a failed import changes nothing" test "$sha_before" == "$(state)"
check "export the register" "$popreg" export --db "$db" --kind register --out "$work/export.csv"
check "export, import and export again gives the same file" bash -c "'$popreg' init --db \
  '$work/two.db' >/dev/null && '$popreg' import --db '$work/two.db' --kind register \
  '$work/export.csv' >/dev/null && '$popreg' export --db '$work/two.db' --kind register \
  --out '$work/export2.csv' && cmp '$work/export.csv' '$work/export2.csv'"
check "the export has every register person" test "$(($(wc -l <"$work/export.csv") - 1))" -eq \
  "$(awk -F, '$1 == "register"' "$work/d/identities.csv" | wc -l)"
check "export to xlsx" bash -c "'$popreg' export --db '$db' --kind register --out '$work/e.xlsx' \
  && head -c 2 '$work/e.xlsx' | grep -q PK"
summary cli_store
