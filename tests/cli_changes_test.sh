#!/usr/bin/env bash
# End-to-end: the changes of the register for the city platform. Store A imports a generated
# district on day 1 and compares it; on day 2 staff verify every item, a reviewer approves and
# applies them (tests/review_oracle.py); `popreg export --kind changes --since day 2` writes what
# changed (csv and xlsx). Store B, which imported the same register on day 1, imports the changes
# and its register is then exactly A's; the same file again, or one whose before values do not
# fit, is refused naming the row and the column, and leaves the register as it was.
# usage: cli_changes_test.sh POPREG
set -uo pipefail
popreg=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# shellcheck source=tests/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
a=$work/a.db
b=$work/b.db
# register DB FILE: the store's register, sorted (the export is ordered already; sorting makes
# the comparison independent of it).
register() { "$popreg" export --db "$1" --kind register --out "$2.unsorted" >/dev/null &&
  sort "$2.unsorted" >"$2"; }
export popreg
export -f register

export POPREG_NOW=2026-10-01T09:00:00Z
"$popreg" gen --out "$work/d" --households 800 --seed 7 >/dev/null
new_store "$popreg" "$a"
new_store "$popreg" "$b"
for kind in areas register police_population police_births vaccinations cremations \
  death_certificates manual_report; do
  "$popreg" import --db "$a" --kind $kind --as-of 2026-09-30 "$work/d/$kind.csv" >/dev/null 2>&1
done
for kind in areas register; do
  "$popreg" import --db "$b" --kind $kind --as-of 2026-09-30 "$work/d/$kind.csv" >/dev/null 2>&1
done
"$popreg" compare --db "$a" --as-of 2026-09-30 >/dev/null 2>&1
register "$b" "$work/r0.csv"
cp "$b" "$work/b0.db"

export POPREG_NOW=2026-10-02T09:00:00Z
"$popreg" export --db "$a" --kind areas --out "$work/areas.csv" >/dev/null
check "day 2: staff verify every item, the reviewer approves and applies them" bash -c "
  '$popreg' user add --db '$a' --user admin --login reviewer --role reviewer --all-areas \
    --name reviewer --password-file '$work/password' &&
  for t in \$(python3 '$here/review_oracle.py' townships '$work/areas.csv'); do
    '$popreg' user add --db '$a' --user admin --login staff_\$t --role community --area \$t \
      --name staff --password-file '$work/password' || exit 1
  done &&
  python3 '$here/review_oracle.py' verify '$popreg' '$a' '$work/d' '$work' &&
  python3 '$here/review_oracle.py' decide '$popreg' '$a' '$work/d' '$work' &&
  '$popreg' apply --db '$a' --user reviewer --all-approved"
check_show "export the changes since day 2 (csv and xlsx)" bash -c "
  '$popreg' export --db '$a' --kind changes --since 2026-10-02 --out '$work/changes.csv' &&
  '$popreg' export --db '$a' --kind changes --since 2026-10-02T00:00:00Z \
    --out '$work/changes.xlsx'"
check_show "the file: every kind of change, the item of each, the values before" \
  python3 - "$work/changes.csv" <<'PY'
import collections, csv, sys
rows = list(csv.DictReader(open(sys.argv[1], encoding="utf-8")))
kinds = collections.Counter((r["change"], r["entity"]) for r in rows)
print(dict(kinds))
for k in [("created", "person"), ("changed", "person"), ("closed", "person"),
          ("merged", "person"), ("created", "household")]:
    assert kinds[k] > 0, k
assert all(r["changed_at"].startswith("2026-10-02") and r["item_id"] for r in rows)
for r in rows:
    for c in filter(None, r["changed_columns"].split(",")):
        assert c in r and "before_" + c in r, c
    if r["change"] == "closed":
        assert r["before_status"] == "alive" and r["status"] in ("deceased", "moved_out"), r
    if r["change"] == "merged":
        assert r["merged_into"] and r["name"] == "" and r["before_name"], r
    if r["change"] == "created" and r["entity"] == "person":
        assert r["name"] and not any(r[k] for k in r if k.startswith("before_")), r
PY
check "before day 2 nothing changed (the file since day 3 is empty)" bash -c "
  '$popreg' export --db '$a' --kind changes --since 2026-10-03 --out '$work/none.csv' &&
  [ \$(wc -l <'$work/none.csv') -eq 1 ]"

export POPREG_NOW=2026-10-03T09:00:00Z
register "$a" "$work/ra.csv"
check_show "store B imports the changes: its register is A's" bash -c "
  '$popreg' import --db '$b' --kind changes '$work/changes.csv' &&
  register '$b' '$work/rb.csv' &&
  cmp '$work/ra.csv' '$work/rb.csv' && echo identical"
check_show "a copy of B before imports the workbook: the same register" bash -c "
  cp '$work/b0.db' '$work/c.db' &&
  '$popreg' import --db '$work/c.db' --kind changes '$work/changes.xlsx' &&
  register '$work/c.db' '$work/rc.csv' && cmp '$work/ra.csv' '$work/rc.csv'"
check_show "each change has its history row in B, a merged person its forward pointer" bash -c "
  key=\$(python3 -c \"
import csv, sys
r = next(r for r in csv.DictReader(open(sys.argv[1], encoding='utf-8')) if r['change'] == 'merged')
print(r['card_no'] + '/' + r['person_no'])\" '$work/changes.csv') &&
  '$popreg' history --db '$b' --user clerk --person \$key >'$work/h.txt' && cat '$work/h.txt' |
  head -8 && grep -q 'was merged into' '$work/h.txt' &&
  grep -q 'why: changes from changes.csv row' '$work/h.txt'"
check_show "the same changes again are refused, naming the row and the column" bash -c "
  ! '$popreg' import --db '$b' --kind changes '$work/changes.csv' 2>'$work/err' &&
  cat '$work/err' && grep -q 'changes.csv row 1\b' '$work/err' && grep -q 'column' '$work/err' &&
  register '$b' '$work/rb2.csv' && cmp '$work/ra.csv' '$work/rb2.csv'"
check_show "a file whose before values do not fit the register is refused whole" bash -c "
  python3 - '$work/changes.csv' '$work/bad.csv' <<'PY' &&
import csv, sys
rows = list(csv.reader(open(sys.argv[1], encoding='utf-8')))
head = rows[0]
# The last row that changed a name: the register will not have the name it expects.
i = max(n for n, r in enumerate(rows) if n and 'name' in r[head.index('changed_columns')].split(','))
rows[i][head.index('before_name')] += '甲'
csv.writer(open(sys.argv[2], 'w', encoding='utf-8', newline='')).writerows(rows)
print('row', i, 'of', len(rows) - 1, 'tampered')
PY
  cp '$work/b0.db' '$work/d.db' &&
  ! '$popreg' import --db '$work/d.db' --kind changes '$work/bad.csv' 2>'$work/err' &&
  cat '$work/err' && grep -Eq 'bad.csv row [0-9]+, column name: ' '$work/err' &&
  register '$work/d.db' '$work/rd.csv' && cmp '$work/r0.csv' '$work/rd.csv'"
check_show "a --since that is no date is refused" bash -c "
  ! '$popreg' export --db '$a' --kind changes --since yesterday --out '$work/x.csv' \
    2>'$work/err' && cat '$work/err' && grep -q 'yesterday' '$work/err'"
summary cli_changes
