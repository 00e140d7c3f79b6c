#!/usr/bin/env bash
# End-to-end: `popreg apply` killed (SIGKILL, as a crash or a power cut would) half-way through a
# batch and right after a batch's commit, through the real binary on a real store: before the
# commit the register and the items are exactly as before the apply; after it, the batches
# committed are whole; a rerun completes and applies each item once.
# usage: cli_apply_crash_test.sh POPREG
# With POPREG_TEST_DB_URL_BASE set to a PostgreSQL server's URL the store is a database there.
set -uo pipefail
popreg=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# shellcheck source=tests/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
db=$work/store.db
pg=${POPREG_TEST_DB_URL_BASE:-}
if [ -n "$pg" ]; then
  db=$pg/popreg_apply_crash_$$
  trap 'rm -rf "$work"; psql -q "$pg/postgres" -c "DROP DATABASE IF EXISTS popreg_apply_crash_$$" \
    >/dev/null' EXIT
fi

"$popreg" gen --out "$work/d" --households 800 --seed 6 >/dev/null
new_store "$popreg" "$db"
for kind in areas register police_population police_births vaccinations cremations \
  death_certificates manual_report; do
  "$popreg" import --db "$db" --kind $kind --as-of 2026-09-30 "$work/d/$kind.csv" >/dev/null 2>&1
done
"$popreg" compare --db "$db" --as-of 2026-09-30 --since 2025-10-01 >/dev/null 2>&1
"$popreg" user add --db "$db" --user admin --login staff --role community --all-areas \
  --password-file "$work/password" >/dev/null
"$popreg" user add --db "$db" --user admin --login rev --role reviewer --all-areas \
  --password-file "$work/password" >/dev/null
for type in field_mismatch unrecorded_death duplicate_in_register missing_in_register; do
  "$popreg" review --db "$db" --user staff --type $type --action verify >/dev/null
  "$popreg" review --db "$db" --user rev --type $type --action approve >/dev/null
done
approved=$("$popreg" discrepancies --db "$db" --status approved --out "$work/approved.csv" |
  grep -o '[0-9]*' | head -1)
check "there are approved items to apply" test "$approved" -gt 50

state() {  # the register and every item's status
  "$popreg" export --db "$db" --kind register --out "$work/reg.csv" >/dev/null &&
    "$popreg" discrepancies --db "$db" --out "$work/items.csv" >/dev/null &&
    cat "$work/reg.csv" "$work/items.csv" | sha256sum | cut -d' ' -f1
}
killed() {  # POPREG_FAILPOINT=$1 apply with batches of $2; its exit status (137 = SIGKILL)
  POPREG_FAILPOINT=$1 "$popreg" apply --db "$db" --user rev --all-approved --batch "$2" \
    >/dev/null 2>&1 &
  wait $! 2>/dev/null
}
before=$(state)
killed apply.batch 100000
rc=$?
check "killed half-way through a batch" test "$rc" -eq 137
check "killed in a batch: the register and the items are as before" test "$before" == "$(state)"
check "killed in a batch: nothing is applied" bash -c "'$popreg' discrepancies --db '$db' \
  --status applied --out '$work/applied.csv' | grep -q '^Wrote 0 '"

killed apply.committed 20
rc=$?
check "killed right after the first batch's commit" test "$rc" -eq 137
check "killed after a commit: that first batch (at most 20) is applied" bash -c "n=\$('$popreg' \
  discrepancies --db '$db' --status applied --out '$work/applied.csv' | grep -o '[0-9]*' | \
  head -1) && test \$n -gt 0 && test \$n -le 20"
check "a rerun completes" bash -c "'$popreg' apply --db '$db' --user rev --all-approved \
  --batch 20 >'$work/rerun.txt' && cat '$work/rerun.txt' && grep -q '^Applied' '$work/rerun.txt'"
check "every approved item was applied exactly once" bash -c "'$popreg' discrepancies --db \
  '$db' --status approved --out '$work/left.csv' | grep -q '^Wrote 0 ' || grep -q refused \
  '$work/rerun.txt'"
check "each applied item has history rows of its own" bash -c "
  n=\$('$popreg' discrepancies --db '$db' --status applied --format json --out \
    '$work/applied.json' | grep -o '[0-9]*' | head -1)
  python3 - '$work/applied.json' '$popreg' '$db' <<'PY'
import json, subprocess, sys
items = json.load(open(sys.argv[1]))
seen = {}
for d in items[:25]:
    key = d['register_key'] or None
    if not key:
        continue
    out = subprocess.run([sys.argv[2], 'history', '--db', sys.argv[3], '--user', 'rev',
                          '--person', key, '--format', 'json'], capture_output=True, text=True,
                         check=True).stdout
    rows = [r for r in json.loads(out) if r['item'] == d['id']]
    assert rows, ('no history row of item', d['id'], key)
    seen[d['id']] = len(rows)
assert seen, 'no item checked'
print(len(seen), 'items have their history rows')
PY"
summary cli_apply_crash
