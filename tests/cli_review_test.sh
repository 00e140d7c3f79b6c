#!/usr/bin/env bash
# End-to-end: the review workflow through the real binary (issue 12). A generated district is
# imported and compared; community staff of each township verify every item the way staff who
# checked on the ground would (the generator's truth is the ground: tests/review_oracle.py), a
# reviewer of the district approves and applies; then a second comparison brings no applied
# item back open, the register equals population.csv (persons, values, cards), every change has
# its history row, an undo of each type restores the values before it (and applying again the
# values after), and the policy and the review states refuse what they must.
# usage: cli_review_test.sh POPREG SHARED_DIR
# With POPREG_TEST_DB_URL_BASE set to a PostgreSQL server's URL the store is a database there.
set -uo pipefail
popreg=$1
shared=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# shellcheck source=tests/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
oracle=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/review_oracle.py
REVIEWER_LOGIN=reviewer  # as in review_oracle.py
db=$work/store.db
copy=$work/copy.db
pg=${POPREG_TEST_DB_URL_BASE:-}
if [ -n "$pg" ]; then
  db=$pg/popreg_review_$$
  copy=$pg/popreg_review_copy_$$
  trap 'rm -rf "$work"; for d in popreg_review_$$ popreg_review_copy_$$; do
    psql -q "$pg/postgres" -c "DROP DATABASE IF EXISTS $d" >/dev/null; done' EXIT
fi
# What a check printed, also when it passed (the counts are the test's report).
show() { sed 's/^/      /' "$work/out"; }
# check_show NAME COMMAND...: check, and print the output also when it passed.
check_show() {
  local before=$failed
  check "$@"
  [ "$failed" -ne "$before" ] || show
}
# oracle COMMAND [ARGS]: tests/review_oracle.py on this store, district and work dir.
oracle() {
  local cmd=$1
  shift
  python3 "$oracle" "$cmd" "$popreg" "$db" "$work/d" "$work" "$@"
}

# The district, the store, the users: a reviewer of the whole district and community staff of
# each township (login staff_TOWNSHIP); everything imported and compared as the clerk.
"$popreg" gen --out "$work/d" --households 1500 --seed 4 >/dev/null
new_store "$popreg" "$db"
for kind in areas register police_population police_births vaccinations cremations \
  death_certificates manual_report; do
  "$popreg" import --db "$db" --kind $kind --as-of 2026-09-30 "$work/d/$kind.csv" >/dev/null 2>&1
done
"$popreg" export --db "$db" --kind areas --out "$work/areas.csv" >/dev/null
townships=$(python3 "$oracle" townships "$work/areas.csv")
check "users: a reviewer and community staff of each township" bash -c "
  '$popreg' user add --db '$db' --user admin --login $REVIEWER_LOGIN --role reviewer \
    --all-areas --name 'district reviewer' --password-file '$work/password' &&
  for t in $(echo $townships); do
    '$popreg' user add --db '$db' --user admin --login staff_\$t --role community --area \$t \
      --name \"staff of \$t\" --password-file '$work/password' || exit 1
  done"
# compare_run N: a comparison of the same dates, whose summary begins "Comparison N: ".
compare_run() {
  "$popreg" compare --db "$db" --as-of 2026-09-30 --since 2025-10-01 2>"$work/err" |
    grep "^Comparison $1: " || { grep -v '\[info\]' "$work/err"; return 1; }
}
check_show "compare" compare_run 1
# The oracle takes the truth's word over the comparison's: that is fair while the comparison
# is right nearly always (the disputes the oracle counts are the rest).
"$popreg" discrepancies --db "$db" --out "$work/d1.csv" >/dev/null
check_show "the comparison reaches precision and recall >= 0.99 for every type" \
  scores_at_least "$shared" "$work/d1.csv" "$work/d/truth.csv" nonempty

# The policy and the states refuse before anyone reviews (nothing changes: checked by the
# oracle, which finds every item open).
"$popreg" discrepancies --db "$db" --format json --out "$work/items0.json" >/dev/null
# An item, its community, the township it is in and another township.
read -r item community own other < <(python3 -c '
import json, sys
x = json.load(open(sys.argv[1]))[0]
own = next(t for t in sys.argv[2:] if x["community_code"].startswith(t[:9]))
print(x["id"], x["community_code"], own, next(t for t in sys.argv[2:] if t != own))
' "$work/items0.json" $townships)
check_show "staff of another township may not verify (the message names the community)" bash -c "
  ! '$popreg' review --db '$db' --user staff_$other --action verify --item $item \
    2>'$work/err' && cat '$work/err' && grep -q 'staff_$other' '$work/err' &&
  grep -q '$community' '$work/err'"
check_show "staff of another township may not verify in bulk either" bash -c "
  ! '$popreg' review --db '$db' --user staff_$other --action verify --community $community \
    2>'$work/err' && cat '$work/err' && grep -q '$community' '$work/err'"
check_show "an open item cannot be approved (the message names item, state and action)" bash -c "
  ! '$popreg' review --db '$db' --user $REVIEWER_LOGIN --action approve --item $item \
    2>'$work/err' && cat '$work/err' && grep -q 'item $item\b' '$work/err' &&
  grep -qw 'open' '$work/err' && grep -Eqw 'approve|approved' '$work/err'"
check_show "staff may not approve" bash -c "
  ! '$popreg' review --db '$db' --user staff_$own --action approve --item $item 2>'$work/err' &&
  cat '$work/err' && grep -q 'may not approve' '$work/err'"

# 1. Staff verify every item: the true values where the proposal's differ (--item N --set),
# disputes where the truth says it is no discrepancy, the rest in bulk per type and community.
check_show "community staff verify every item as they found it on the ground" oracle verify
# 2. The reviewer approves everything verified (bulk), rejects the disputed, applies.
check_show "the reviewer approves what was verified and rejects what was disputed" oracle decide
check_show "apply --all-approved applies every approved item (refused: only those no one has \
a value for)" oracle apply
applied=$(python3 -c "import json; print(next(x['id'] for x in
  json.load(open('$work/items2a.json')) if x['status'] == 'applied'))" 2>/dev/null || echo 0)
# The undo checks (6.) work on a copy of the store as it is now, right after the apply: undoing
# and applying again there leaves this store as the apply made it for the checks 3-5, and the
# items are as the apply left them (not yet carried by the second comparison). SQLite: a copy
# of the file; PostgreSQL: a database made from this one as its template.
if [ -n "$pg" ]; then
  psql -q "$pg/postgres" -c "CREATE DATABASE popreg_review_copy_$$ TEMPLATE popreg_review_$$" \
    >/dev/null
else
  cp "$db" "$copy"
fi

# 7. What an applied item refuses.
check_show "an applied item cannot be reopened (the message names item, state and action)" \
  bash -c "
  ! '$popreg' review --db '$db' --user $REVIEWER_LOGIN --action reopen --item $applied \
    2>'$work/err' && cat '$work/err' && grep -q 'item $applied\b' '$work/err' &&
  grep -qw 'applied' '$work/err' && grep -Eqw 'reopen|reopened' '$work/err'"
check_show "an applied item is not applied twice" bash -c "
  ! '$popreg' apply --db '$db' --user $REVIEWER_LOGIN --item $applied 2>'$work/err' &&
  cat '$work/err' && grep -q 'item $applied\b' '$work/err' && grep -qw 'applied' '$work/err'"
check_show "staff may not apply" bash -c "
  ! '$popreg' apply --db '$db' --user staff_$own --all-approved 2>'$work/err' &&
  cat '$work/err' && grep -q 'may not apply' '$work/err'"

# 3. The same comparison again: no applied item comes back open, nothing new is open.
check_show "compare again" compare_run 2
check_show "no applied item is reported again as open, nothing new is open" oracle second
# 4. The register is the true one.
check_show "the register equals population.csv (persons, values, cards)" oracle register
# 4b. The incomplete-information list: exactly the living persons who still lack a value, among
# them every incomplete record whose value no one has; totals count them apart; the workbook is
# for people (Chinese headers, 男/女, the missing fields by their Chinese names).
check_show "the incomplete list holds who still lacks a value; totals count them apart" bash -c "
  '$popreg' incomplete --db '$db' --user $REVIEWER_LOGIN --as-of 2026-09-30 \
    --out '$work/incomplete.csv' &&
  '$popreg' incomplete --db '$db' --user $REVIEWER_LOGIN --as-of 2026-09-30 \
    --out '$work/incomplete.xlsx' &&
  '$popreg' totals --db '$db' --user $REVIEWER_LOGIN --as-of 2026-09-30 >'$work/totals.txt' &&
  cat '$work/totals.txt' &&
  python3 - '$work' <<'PY'
import csv, json, re, sys, zipfile
work = sys.argv[1]
rows = list(csv.DictReader(open(work + '/incomplete.csv', encoding='utf-8')))
keys = {r['register_key'] for r in rows}
assert all(r['missing'] for r in rows), rows
plan = json.load(open(work + '/plan.json'))
want = {e['register_key'] for e in plan
        if e['type'] == 'incomplete_record' and e['why'].startswith('no value exists')}
assert want and want <= keys, (sorted(want), sorted(keys))
line = [l.split() for l in open(work + '/totals.txt') if l.startswith('register')][0]
assert int(line[5]) == len(rows), (line, len(rows))
sheet = zipfile.ZipFile(work + '/incomplete.xlsx').read('xl/worksheets/sheet1.xml').decode()
cells = re.findall(r'<t[^>]*>([^<]*)</t>', sheet)
assert cells[:8] == ['社区代码', '人员编号', '姓名', '性别', '出生日期', '公民身份号码',
                     '缺少项目', '缺少起始'], cells[:8]
assert set(cells[8:]) & {'男', '女'} and '公民身份号码' in cells[8:], cells[8:20]
print(len(rows), 'incomplete persons;', len(want), 'of them items no one could complete')
PY"
# 5. Every change has its history row.
check_show "every applied item has its history rows" oracle history
# 6. Undo of each kind restores the values before it; applying again the values after.
check_show "undo of each type restores the values before it, apply again the values after" \
  oracle undo "$copy"
# 6b. A correction from the household card: raised by staff (verified by them), approved and
# applied by the reviewer; the person's history names the item. The same field again while it
# is reviewed, and a person of another township, are refused.
person=$(python3 -c '
import csv, sys
rows = csv.DictReader(open(sys.argv[1], encoding="utf-8"))
print(next(r["register_key"] for r in rows if r["community_code"].startswith(sys.argv[2][:9])))
' "$work/incomplete.csv" "$own")
check_show "a card correction is raised, approved, applied and in the person's history" bash -c "
  out=\$('$popreg' correct --db '$db' --user staff_$own --person '$person' \
    --set relation=更正关系 --note 入户核对户口簿) && echo \"\$out\" &&
  ! '$popreg' correct --db '$db' --user staff_$own --person '$person' --set relation=又一个 \
    --note again 2>'$work/err' && grep -q 'already proposes' '$work/err' &&
  ! '$popreg' correct --db '$db' --user staff_$other --person '$person' --set name=张三 \
    --note x 2>'$work/err' && grep -q 'staff_$other' '$work/err' &&
  id=\$(echo \"\$out\" | grep -o '[0-9]*\$') &&
  '$popreg' review --db '$db' --user $REVIEWER_LOGIN --action approve --item \$id &&
  '$popreg' apply --db '$db' --user $REVIEWER_LOGIN --item \$id &&
  '$popreg' history --db '$db' --user $REVIEWER_LOGIN --person '$person' --format json |
    grep -q '更正关系'"
# 7. Every user change, review and application above is on the audit log's hash chain.
check_show "the audit log's hash chain is intact after all of it" bash -c "
  '$popreg' user add --db '$db' --user admin --login auditor --role auditor \
    --password-file '$work/password' >/dev/null &&
  '$popreg' audit verify --db '$db' --user auditor | grep -E '^[0-9]+ rows, chain intact$'"
summary cli_review
