#!/usr/bin/env bash
# End-to-end: `popreg compare` and `popreg discrepancies` through the real binary on a generated
# district imported into a real store: every type of the spec at precision and recall >= 0.99
# against truth.csv (scored by shared/tools/check-discrepancies), the spec's CSV, a workbook with
# Chinese headers, a frozen header row and filters, JSON, the filters, a second run that carries
# every item, and clear errors.
# usage: cli_compare_test.sh POPREG SHARED_DIR
# With POPREG_TEST_DB_URL_BASE set to a PostgreSQL server's URL the store is a database there.
set -uo pipefail
popreg=$1
shared=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# shellcheck source=tests/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
db=$work/store.db
pg=${POPREG_TEST_DB_URL_BASE:-}
if [ -n "$pg" ]; then
  db=$pg/popreg_compare_$$
  trap 'rm -rf "$work"; psql -q "$pg/postgres" -c "DROP DATABASE IF EXISTS popreg_compare_$$" \
    >/dev/null' EXIT
fi

"$popreg" gen --out "$work/d" --households 1500 --seed 3 >/dev/null
new_store "$popreg" "$db"
check "compare refuses a store without a register" bash -c "
  ! '$popreg' compare --db '$db' --as-of 2026-09-30 2>'$work/err' && grep -q 'has no register' '$work/err'"
for kind in areas register police_population police_births vaccinations cremations \
  death_certificates manual_report; do
  "$popreg" import --db "$db" --kind $kind --as-of 2026-09-30 "$work/d/$kind.csv" >/dev/null 2>&1
done
check "compare" bash -c "'$popreg' compare --db '$db' --as-of 2026-09-30 --since 2025-10-01 \
  >'$work/summary.txt' 2>/dev/null && grep -q '^Comparison 1: ' '$work/summary.txt' &&
  grep -q 'unrecorded_birth' '$work/summary.txt'"
check "discrepancies as the spec's csv" "$popreg" discrepancies --db "$db" --out "$work/d.csv"
check "every type at precision and recall >= 0.99" scores_at_least "$shared" "$work/d.csv" \
  "$work/d/truth.csv" nonempty
check "every open item has a proposal" awk -F, 'NR > 1 && $NF == "" { bad = 1 } END { exit bad }' \
  "$work/d.csv"
check "xlsx for people: Chinese headers, frozen header, filters" bash -c "
  '$popreg' discrepancies --db '$db' --format xlsx --out '$work/d.xlsx' >/dev/null &&
  python3 - '$work/d.xlsx' <<'PY'
import sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
sheet = z.read('xl/worksheets/sheet1.xml').decode()
strings = sheet + (z.read('xl/sharedStrings.xml').decode() if 'xl/sharedStrings.xml' in z.namelist() else '')
assert 'state=\"frozen\"' in sheet, 'no frozen pane'
assert '<autoFilter' in sheet, 'no filter'
assert '<cols>' in sheet, 'no column widths'
for h in ('类型', '户卡人员', '处理建议', '出生未登记'):
    assert h in strings, h
PY"
check "json for programs" bash -c "
  '$popreg' discrepancies --db '$db' --out '$work/d.json' >/dev/null &&
  python3 -c \"import json, sys; j = json.load(open('$work/d.json'));
n = sum(1 for _ in open('$work/d.csv')) - 1
assert len(j) == n, (len(j), n)
assert all('evidence' in x and 'proposal' in x for x in j)\""
check "filter by type" bash -c "
  '$popreg' discrepancies --db '$db' --type unrecorded_birth --out '$work/b.csv' >/dev/null &&
  [ \$(wc -l <'$work/b.csv') -gt 1 ] &&
  awk -F, 'NR > 1 && \$2 != \"unrecorded_birth\" { bad = 1 } END { exit bad }' '$work/b.csv'"
community=$(awk -F, 'NR == 2 { print $3 }' "$work/d.csv")
check "filter by community" bash -c "
  '$popreg' discrepancies --db '$db' --community $community --out '$work/c.csv' >/dev/null &&
  awk -F, 'NR > 1 && index(\$3, \"$community\") != 1 { bad = 1 } END { exit bad }' '$work/c.csv'"
check "an unknown status is refused" bash -c "
  ! '$popreg' discrepancies --db '$db' --status done --out '$work/x.csv' 2>'$work/err' &&
  grep -q 'not a status' '$work/err'"
check "a second run carries every item" bash -c "
  '$popreg' compare --db '$db' --as-of 2026-09-30 --since 2025-10-01 2>/dev/null |
  grep -q '^Comparison 2: .*(0 new, .*, 0 resolved'"
check "the second run keeps the ids" bash -c "
  '$popreg' discrepancies --db '$db' --out '$work/d2.csv' >/dev/null && cmp '$work/d.csv' '$work/d2.csv'"
check "a bad date is refused" bash -c "
  ! '$popreg' compare --db '$db' --as-of 2026-13-01 2>'$work/err' && grep -q 'as-of' '$work/err'"
summary cli_compare
