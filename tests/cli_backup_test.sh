#!/usr/bin/env bash
# End-to-end: `popreg backup` and `popreg restore` (issue 14) through the real binary. A district
# of 20,000 households is imported; then a police import is started and held, with all its rows
# written in its one uncommitted transaction (POPREG_FAILPOINT=import.staged:stop stops the
# process there), while `popreg backup` runs. The import then goes on and commits; the live
# store has it, and the backup restored into a new store is the store as before that import:
# the same imports and the same register. Also: a backup is recorded in the live store's audit
# log and a restore in the restored one's; only admins back up and restore; a backup never
# replaces a file; restore refuses to replace a store without --force and replaces it with it;
# a file that is no backup and a damaged backup are errors naming the file.
# usage: cli_backup_test.sh POPREG
# With POPREG_TEST_DB_URL_BASE set to a PostgreSQL server's URL the stores are databases there
# and the backups pg_dump archives.
set -uo pipefail
popreg=$1
work=$(mktemp -d)
# shellcheck source=tests/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
db=$work/store.db
restored=$work/restored.db
pg=${POPREG_TEST_DB_URL_BASE:-}
import_pid=""
backup_pid=""
cleanup() {
  for p in $import_pid $backup_pid; do
    kill -CONT "$p" 2>/dev/null
    kill "$p" 2>/dev/null
  done
  if [ -n "$pg" ]; then
    for d in popreg_backup_$$ popreg_backup_r_$$ popreg_backup_r_$$_restore; do
      psql -q "$pg/postgres" -c "DROP DATABASE IF EXISTS $d WITH (FORCE)" >/dev/null
    done
  fi
  rm -rf "$work"
}
trap cleanup EXIT
if [ -n "$pg" ]; then
  db=$pg/popreg_backup_$$
  restored=$pg/popreg_backup_r_$$
fi

"$popreg" gen --out "$work/d" --households 20000 --seed 14 >/dev/null
new_store "$popreg" "$db"
"$popreg" user add --db "$db" --user admin --login auditor --role auditor \
  --password-file "$work/password" >/dev/null
for kind in areas register; do
  "$popreg" import --db "$db" --kind $kind "$work/d/$kind.csv" >/dev/null 2>&1
done
"$popreg" imports --db "$db" >"$work/imports.before"
"$popreg" export --db "$db" --kind register --out "$work/register.before.csv" >/dev/null
check "the store has the areas and the register" grep -c register "$work/imports.before"

# The police import, held where every row is written and nothing committed.
POPREG_FAILPOINT=import.staged:stop "$popreg" import --db "$db" --kind police_population \
  "$work/d/police_population.csv" >"$work/police.out" 2>&1 &
import_pid=$!
held() {  # waits (at most 15 minutes) until the import has stopped itself at its fail point
  for _ in $(seq 9000); do
    case $(ps -o stat= -p "$import_pid" 2>/dev/null) in
    T*) return 0 ;;
    "") echo "the import ended before its fail point"; cat "$work/police.out"; return 1 ;;
    esac
    sleep 0.1
  done
  echo "the import did not reach its fail point"
  return 1
}
check "the police import holds its rows in one uncommitted transaction" held

# The backup finishes its copy while the import is held; recording it in the audit log waits for
# the import's write lock, so it runs in the background until the import is let go.
POPREG_USER=admin "$popreg" backup --db "$db" --out "$work/backup.db" >"$work/backup.out" \
  2>"$work/backup.err" &
backup_pid=$!
written() {
  for _ in $(seq 6000); do
    [ -e "$work/backup.db" ] && ! [ -e "$work/backup.db.tmp" ] && return 0
    kill -0 "$backup_pid" 2>/dev/null || break
    sleep 0.1
  done
  cat "$work/backup.out" "$work/backup.err"
  return 1
}
check "the backup is written while the import is held" written
check "the import still holds (the backup did not wait for it)" \
  bash -c "ps -o stat= -p $import_pid | grep -q '^T'"
kill -CONT "$import_pid"
check "the import then commits" bash -c "wait_for() { while kill -0 $import_pid 2>/dev/null; do
    sleep 0.2; done; }; wait_for; grep -q 'Imported' '$work/police.out' || {
    cat '$work/police.out'; exit 1; }"
wait "$import_pid"
import_pid=""
wait "$backup_pid"
backup_rc=$?
backup_pid=""
check "backup says where it wrote and exits 0" bash -c "
  cat '$work/backup.out' '$work/backup.err'; test $backup_rc -eq 0 &&
  grep -q 'to $work/backup.db' '$work/backup.out'"
check "the live store has the police import" bash -c "
  '$popreg' imports --db '$db' | tee /dev/stderr | grep -q police_population"
check "the live store's audit log records the backup" bash -c "
  POPREG_USER=auditor '$popreg' audit --db '$db' | grep backup | tee /dev/stderr |
  grep -q '$work/backup.db'"

check "restore into a new store" bash -c "
  POPREG_USER=admin '$popreg' restore --from '$work/backup.db' --db '$restored' | tee /dev/stderr |
  grep -q 'Restored store'"
show
check "the restored store has the imports of before the police import, no more" bash -c "
  '$popreg' imports --db '$restored' >'$work/imports.after' &&
  diff '$work/imports.before' '$work/imports.after'"
check "the restored store has the register of before" bash -c "
  '$popreg' export --db '$restored' --kind register --out '$work/register.after.csv' >/dev/null &&
  cmp '$work/register.before.csv' '$work/register.after.csv' &&
  test \$(wc -l <'$work/register.after.csv') -gt 20000"
check "the restored store's audit log records the restore" bash -c "
  POPREG_USER=auditor '$popreg' audit --db '$restored' | tail -1 | tee /dev/stderr |
  grep restore | grep -q admin"

check "restore refuses to replace a store without --force" bash -c "
  ! POPREG_USER=admin '$popreg' restore --from '$work/backup.db' --db '$db' 2>'$work/err' &&
  cat '$work/err' && grep -q -- '--force' '$work/err' &&
  '$popreg' imports --db '$db' | grep -q police_population"
check "only an admin may restore" bash -c "
  ! POPREG_USER=clerk '$popreg' restore --from '$work/backup.db' --db '$restored' --force \
    2>'$work/err' && cat '$work/err' && grep -q 'may not back up or restore' '$work/err'"
check "only an admin may back up" bash -c "
  ! POPREG_USER=clerk '$popreg' backup --db '$db' --out '$work/clerk.db' 2>'$work/err' &&
  cat '$work/err' && grep -q 'clerk (clerk) may not back up' '$work/err' &&
  test ! -e '$work/clerk.db'"
check "a backup never replaces a file" bash -c "
  ! POPREG_USER=admin '$popreg' backup --db '$db' --out '$work/backup.db' 2>'$work/err' &&
  cat '$work/err' && grep -q '$work/backup.db' '$work/err'"
check "restore --force replaces a store with the backup" bash -c "
  POPREG_USER=admin '$popreg' backup --db '$db' --out '$work/after.db' >/dev/null &&
  POPREG_USER=admin '$popreg' restore --from '$work/after.db' --db '$restored' --force \
    >/dev/null && '$popreg' imports --db '$restored' | grep -q police_population"

head -c 200000 /dev/urandom >"$work/junk.db"
check "a file that is no backup is an error naming it" bash -c "
  ! POPREG_USER=admin '$popreg' restore --from '$work/junk.db' --db '$restored' --force \
    2>'$work/err' && cat '$work/err' && grep -q '$work/junk.db' '$work/err' &&
  '$popreg' imports --db '$restored' | grep -q police_population"
size=$(stat -c %s "$work/backup.db")
head -c $((size / 2)) "$work/backup.db" >"$work/half.db"
check "a damaged backup is an error naming it" bash -c "
  ! POPREG_USER=admin '$popreg' restore --from '$work/half.db' --db '$restored' --force \
    2>'$work/err' && cat '$work/err' && grep -q '$work/half.db' '$work/err' &&
  '$popreg' imports --db '$restored' | grep -q police_population"
check "a missing backup is an error naming it" bash -c "
  ! POPREG_USER=admin '$popreg' restore --from '$work/none.db' --db '$work/new.db' 2>'$work/err' &&
  cat '$work/err' && grep -q '$work/none.db' '$work/err'"
summary cli_backup
