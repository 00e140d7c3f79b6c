#!/usr/bin/env bash
# End-to-end: `popreg init` and `popreg import` on every file of a generated district (mixed
# headers, encodings and spellings), re-import as a no-op, the register guard, and a bad file
# that changes nothing.
# usage: cli_store_test.sh POPREG
# With POPREG_TEST_DB_URL_BASE set to a PostgreSQL server's URL (ctest's cli_store_postgres,
# see cmake/postgres.cmake) the stores are databases there instead of files.
set -uo pipefail
popreg=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# shellcheck source=tests/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
db=$work/store.db
two=$work/two.db
pg=${POPREG_TEST_DB_URL_BASE:-}
if [ -n "$pg" ]; then
  db=$pg/popreg_cli_$$ two=$pg/popreg_cli_two_$$
  trap 'rm -rf "$work"; for d in popreg_cli_$$ popreg_cli_two_$$; do
    psql -q "$pg/postgres" -c "DROP DATABASE IF EXISTS $d" >/dev/null; done' EXIT
fi

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
state() {  # the file and its WAL, or the database's rows (without sequence positions and the
  # random key pg_dump puts in each dump)
  if [ -n "$pg" ]; then pg_dump --data-only "$db" | grep -Ev '^\\(un)?restrict |setval'
  else cat "$db" "$db-wal"; fi 2>/dev/null | sha256sum | cut -d' ' -f1
}
sha_before=$(state)
check "the store's state can be read" test "$sha_before" != "$(sha256sum </dev/null | cut -d' ' -f1)"
printf 'name,sex\n张伟,男\n' >"$work/bad.csv"
check "a missing required column is named" bash -c "'$popreg' import --db '$db' \
  --kind police_population '$work/bad.csv' 2>&1 | grep -q 'birth_date'"
check "a failed import changes nothing" test "$sha_before" == "$(state)"
check "export the register" "$popreg" export --db "$db" --kind register --out "$work/export.csv"
check "export, import and export again gives the same file" bash -c "'$popreg' init --db \
  '$two' >/dev/null && '$popreg' import --db '$two' --kind register \
  '$work/export.csv' >/dev/null && '$popreg' export --db '$two' --kind register \
  --out '$work/export2.csv' && cmp '$work/export.csv' '$work/export2.csv'"
check "the export has every register person" test "$(($(wc -l <"$work/export.csv") - 1))" -eq \
  "$(awk -F, '$1 == "register"' "$work/d/identities.csv" | wc -l)"
check "export to xlsx" bash -c "'$popreg' export --db '$db' --kind register --out '$work/e.xlsx' \
  && head -c 2 '$work/e.xlsx' | grep -q PK"
summary cli_store
