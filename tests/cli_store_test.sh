#!/usr/bin/env bash
# End-to-end: `popreg init` and `popreg import` on every file of a generated district (mixed
# headers, encodings and spellings), re-import as a no-op (and not with another profile), the
# register guard, a bad file that changes nothing, a process killed at each of the store's fail
# points (POPREG_FAILPOINT), and `popreg export` of every kind back to the same bytes.
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
three=$work/three.db
pg=${POPREG_TEST_DB_URL_BASE:-}
if [ -n "$pg" ]; then
  db=$pg/popreg_cli_$$ two=$pg/popreg_cli_two_$$ three=$pg/popreg_cli_three_$$
  trap 'rm -rf "$work"; for d in popreg_cli_$$ popreg_cli_two_$$ popreg_cli_three_$$; do
    psql -q "$pg/postgres" -c "DROP DATABASE IF EXISTS $d" >/dev/null; done' EXIT
fi

"$popreg" gen --out "$work/d" --households 600 --seed 9 >/dev/null
printf 'a long password\n' >"$work/password"
check "init" bash -c "'$popreg' init --db '$db' --admin-password-file '$work/password' \
  | grep -q 'schema version'"
check "init refuses an existing store" bash -c "! '$popreg' init --db '$db' \
  --admin-password-file '$work/password' 2>/dev/null"
check "init without a password on no terminal says how to give one" bash -c "! '$popreg' init \
  --db '$work/nopass.db' </dev/null 2>'$work/err' && grep -q 'password' '$work/err' \
  && test ! -e '$work/nopass.db'"
check "the admin adds a clerk" "$popreg" user add --db "$db" --user admin --login clerk \
  --role clerk --all-areas --password-file "$work/password"
check "an import names who may import" bash -c "! POPREG_USER=admin '$popreg' import --db '$db' \
  --kind areas '$work/d/areas.csv' 2>'$work/err' && grep -q 'admin (admin) may not import' \
  '$work/err'"
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
check "export, import and export again gives the same file" bash -c "new_store '$popreg' \
  '$two' && '$popreg' import --db '$two' --kind register \
  '$work/export.csv' >/dev/null && '$popreg' export --db '$two' --kind register \
  --out '$work/export2.csv' && cmp '$work/export.csv' '$work/export2.csv'"
check "the export has every register person" test "$(($(wc -l <"$work/export.csv") - 1))" -eq \
  "$(awk -F, '$1 == "register"' "$work/d/identities.csv" | wc -l)"
check "export to xlsx" bash -c "'$popreg' export --db '$db' --kind register --out '$work/e.xlsx' \
  && head -c 2 '$work/e.xlsx' | grep -q PK"

# Every other kind: export the latest import, import the export into another store, export again.
new_store "$popreg" "$three"
for kind in areas police_population police_births vaccinations cremations death_certificates \
  manual_report; do
  check "export $kind, import and export again gives the same file" bash -c "'$popreg' export \
    --db '$db' --kind $kind --out '$work/$kind-1.csv' >/dev/null && '$popreg' import --db \
    '$three' --kind $kind '$work/$kind-1.csv' | grep -Eq 'rejected +0' && '$popreg' export \
    --db '$three' --kind $kind --out '$work/$kind-2.csv' >/dev/null \
    && cmp '$work/$kind-1.csv' '$work/$kind-2.csv'"
done
check "an export has the spec's English header" bash -c "head -1 '$work/cremations-1.csv' \
  | grep -qx 'name,sex,id_number,birth_date,death_date,cremation_date,address,funeral_home'"
check "a kind never imported cannot be exported" bash -c "new_store '$popreg' '$work/empty.db' \
  && ! '$popreg' export --db '$work/empty.db' --kind vaccinations --out \
  '$work/v.csv' 2>'$work/err' && grep -q 'no vaccinations file was imported' '$work/err'"

# The same bytes through a profile are another import; through the same profile again, not.
printf 'dates = "YYYYMMDD"\n' >"$work/p.toml"
check "the same file with a profile is imported again" bash -c "'$popreg' import --db '$db' \
  --kind cremations '$work/d/cremations.csv' --profile '$work/p.toml' | grep -q '^Imported'"
check "the same file with the same profile is a no-op" bash -c "'$popreg' import --db '$db' \
  --kind cremations '$work/d/cremations.csv' --profile '$work/p.toml' | grep -q 'nothing to do'"

# A process killed at each fail point of an import: before the commit nothing changed (the
# register exports the same, and the import can be made afterwards); after it, all of it did.
# Both backends have the same points (docs/store.md).
"$popreg" export --db "$db" --kind register --out "$work/before.csv" >/dev/null
head -n -1 "$work/d/register.csv" >"$work/register3.csv"  # one person fewer
killed() {  # POPREG_FAILPOINT=$1 import of register3.csv; its exit status (137 = SIGKILL)
  POPREG_FAILPOINT=$1 "$popreg" import --db "$db" --kind register --replace \
    "$work/register3.csv" >/dev/null 2>&1 &
  wait $! 2>/dev/null
}
for point in import.begun import.staged import.history import.replaced; do
  killed "$point"
  rc=$?
  check "killed at $point" test "$rc" -eq 137
  check "killed at $point: the register is as before" bash -c "'$popreg' export --db '$db' \
    --kind register --out '$work/after.csv' >/dev/null && cmp '$work/before.csv' \
    '$work/after.csv'"
done
killed import.committed
rc=$?
check "killed at import.committed" test "$rc" -eq 137
check "killed after the commit: the import is whole" bash -c "'$popreg' import --db '$db' \
  --kind register --replace '$work/register3.csv' | grep -q 'nothing to do'"
check "killed after the commit: the new register is there" test "$(("$(wc -l \
  <"$work/before.csv")" - 1))" -eq "$("$popreg" export --db "$db" --kind register --out \
  "$work/after.csv" >/dev/null && wc -l <"$work/after.csv")"
summary cli_store
