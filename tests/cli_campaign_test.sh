#!/usr/bin/env bash
# End-to-end: the campaign, its progress, the monthly hand-over and the year-end assessment
# (issue 13) through the real binary. Every step happens at a time the test sets (POPREG_NOW):
# a generated district is imported with --month and --community, one department late and a
# month missing; a campaign is added and changed; community staff and the district reviewer act
# on the items of some communities at known days; then `progress` (at past dates: the counts are
# rebuilt from the items' history), `intake` and `assess` must write exactly what
# tests/campaign_oracle.py computes from what the test did, as CSV and as xlsx (read back with
# openpyxl), and refuse what they must with clear errors.
# usage: cli_campaign_test.sh POPREG
# With POPREG_TEST_DB_URL_BASE set to a PostgreSQL server's URL the store is a database there.
set -uo pipefail
popreg=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# shellcheck source=tests/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
oracle_py=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/campaign_oracle.py
db=$work/store.db
pg=${POPREG_TEST_DB_URL_BASE:-}
if [ -n "$pg" ]; then
  db=$pg/popreg_campaign_$$
  trap 'rm -rf "$work"; psql -q "$pg/postgres" -c "DROP DATABASE IF EXISTS popreg_campaign_$$" \
    >/dev/null' EXIT
fi
show() { sed 's/^/      /' "$work/out"; }
check_show() {
  local before=$failed
  check "$@"
  [ "$failed" -ne "$before" ] || show
}
# Debian's python3, which has openpyxl (scripts/bootstrap).
py=$(command -v /usr/bin/python3 || command -v python3)
oracle() { "$py" "$oracle_py" "$1" "$work" "${@:2}"; }
# at TIME COMMAND...: runs the command with the clock at TIME.
at() {
  local t=$1
  shift
  POPREG_NOW=$t "$@"
}
# expect_error PATTERN COMMAND...: the command fails and its message has PATTERN.
expect_error() {
  local pattern=$1
  shift
  if "$@" >"$work/err.out" 2>&1; then
    echo "succeeded, but should have failed"
    return 1
  fi
  cat "$work/err.out"
  grep -qF -- "$pattern" "$work/err.out"
}

# The district, the store (admin and clerk), a reviewer; the areas and the register.
"$popreg" gen --out "$work/d" --households 1200 --seed 5 >/dev/null
at 2026-09-01T08:00:00Z "$POPREG_SCRIPTS/new-store" "$popreg" "$db" "$work/password"
at 2026-09-01T08:00:00Z "$popreg" user add --db "$db" --user admin --login zhao --role reviewer \
  --all-areas --password-file "$work/password" >/dev/null
for kind in areas register; do
  at 2026-09-01T09:00:00Z "$popreg" import --db "$db" --kind $kind "$work/d/$kind.csv" \
    >/dev/null 2>&1
done
"$popreg" export --db "$db" --kind areas --out "$work/areas.csv" >/dev/null
# Staff for the township with the most communities, from 2026-09-10; the others have none.
staffed=$(oracle staffed)
at 2026-09-10T08:00:00Z "$popreg" user add --db "$db" --user admin --login staff --role community \
  --area "$staffed" --password-file "$work/password" >/dev/null

# 1. The campaign: who may add one, the default template, a change of dates.
check_show "a clerk may not add a campaign" expect_error "may not manage campaigns" \
  "$popreg" campaign add --db "$db" --name x --start 2026-09-01
check_show "the admin adds a campaign with the default template" bash -c "
  POPREG_NOW=2026-09-01T10:00:00Z '$popreg' campaign add --db '$db' --user admin \
    --name 2026年人口信息核查 --start 2026-09-01 | tee '$work/campaign.txt' &&
  grep -q '2026-09-01 .. 2026-09-14' '$work/campaign.txt' &&
  grep -q '社区上报截止 reporting deadline 2026-10-31' '$work/campaign.txt' &&
  grep -q '录入截止 entry deadline         2026-11-30' '$work/campaign.txt' &&
  grep -q '2026-12-01 .. 2026-12-30' '$work/campaign.txt'"
check_show "dates out of order are refused" expect_error \
  "the entry deadline 2026-10-15 must be on or after the reporting deadline 2026-10-31" \
  "$popreg" campaign set --db "$db" --user zhao --campaign 2026年人口信息核查 \
  --entry-deadline 2026-10-15
check_show "the reviewer moves the end; campaign list shows it" bash -c "
  POPREG_NOW=2026-09-02T10:00:00Z '$popreg' campaign set --db '$db' --user zhao \
    --campaign 2026年人口信息核查 --end 2026-12-20 >/dev/null &&
  '$popreg' campaign list --db '$db' --format csv | tee '$work/campaigns.csv' &&
  grep -q '^1,2026年人口信息核查,2026-09-01,2026-09-14,2026-10-31,2026-11-30,2026-12-20,3,admin,2026-09-01T10:00:00.000Z$' \
    '$work/campaigns.csv'"
check_show "an unknown campaign is a clear error" expect_error "there is no campaign 'nope'" \
  "$popreg" progress --db "$db" --campaign nope

# 2. The departments' files of September, one of them late, one only for one community; the
# manual report of October; no other file of October (missing once its due day has passed).
community_v=$(awk -F, '$3 == "community" {print $1; exit}' "$work/areas.csv")
: >"$work/imports.tsv"
# import_at TIME KIND FILE [ARGS]: imports and records what it printed in imports.tsv.
import_at() {
  local t=$1 kind=$2 file=$3
  shift 3
  POPREG_NOW=$t "$popreg" import --db "$db" --kind "$kind" "$file" "$@" >"$work/imp.txt" 2>&1 ||
    { cat "$work/imp.txt"; return 1; }
  cat "$work/imp.txt"
  local month community id rows rejected
  month=$(awk '$1 == "month" {print $2}' "$work/imp.txt")
  community=$(awk '$1 == "community" {print $2}' "$work/imp.txt")
  [ "$community" = all ] && community=
  id=$(sed -n 's/.*(import \([0-9]*\)).*/\1/p' "$work/imp.txt")
  rows=$(awk '$1 == "rows" {print $2}' "$work/imp.txt")
  rejected=$(awk '$1 == "rejected" {print $2}' "$work/imp.txt")
  local at
  at=${t:0:19}.000Z
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$kind" "$month" "$community" "$at" "$rows" \
    "$rejected" "$id" "$(basename "$file")" >>"$work/imports.tsv"
}
check_show "a month that is not one is refused" expect_error "'2026-13' is not a month" \
  "$popreg" import --db "$db" --kind police_population --month 2026-13 \
  "$work/d/police_population.csv"
check_show "a community the areas do not have is refused" expect_error "'350902999999'" \
  "$popreg" import --db "$db" --kind police_population --community 350902999999 \
  "$work/d/police_population.csv"
september() {
  import_at 2026-10-01T08:00:00Z vaccinations "$work/d/vaccinations.csv" --month 2026-09 \
    --community "$community_v" &&
    import_at 2026-10-02T08:00:00Z police_population "$work/d/police_population.csv" \
      --month 2026-09 &&
    import_at 2026-10-02T08:00:00Z manual_report "$work/d/manual_report.csv" &&
    import_at 2026-10-03T08:00:00Z death_certificates "$work/d/death_certificates.csv" &&
    import_at 2026-10-03T20:00:00Z cremations "$work/d/cremations.csv" &&
    import_at 2026-10-05T08:00:00Z police_births "$work/d/police_births.csv"
}
check_show "imports with --month and --community, and months from the files' dates" september
# The months inferred, against the latest event dates of the rows as the store normalised them.
for kind in police_births cremations death_certificates manual_report; do
  "$popreg" export --db "$db" --kind $kind --out "$work/export_$kind.csv" >/dev/null
done
check_show "each inferred month is the latest event date's (the month before for a report)" \
  oracle months
# October's manual report: the same rows in other bytes (the export of September's).
import_at 2026-11-02T08:00:00Z manual_report "$work/export_manual_report.csv" --month 2026-10 \
  >/dev/null
check_show "popreg imports lists the month and community of each import" bash -c "
  '$popreg' imports --db '$db' | tee '$work/imports.txt' &&
  grep -Eq '^[0-9]+ +vaccinations +2026-09 +$community_v ' '$work/imports.txt' &&
  grep -Eq '^[0-9]+ +manual_report +2026-10 +all ' '$work/imports.txt'"

# 3. The comparison; staff and the reviewer act on the items of two communities at known days.
at 2026-10-06T09:00:00Z "$popreg" compare --db "$db" --as-of 2026-09-30 --since 2025-10-01 \
  >/dev/null 2>&1
"$popreg" discrepancies --db "$db" --format json --out "$work/items.json" >/dev/null
read -r _ c1 c3 c2 disputed rejected < <(oracle choose)
echo "staffed township $staffed; reviewed: $c1 (item $disputed disputed, $rejected rejected)," \
  "$c3 (verified late); $c2 untouched"
check_show "staff dispute one item and verify the rest of $c1 on 2026-10-20" bash -c "
  export POPREG_NOW=2026-10-20T10:00:00Z
  '$popreg' review --db '$db' --user staff --action dispute --item $disputed --note 'register right' &&
  '$popreg' review --db '$db' --user staff --action verify --community $c1"
check_show "the reviewer rejects two and approves the rest of $c1 on 2026-11-10" bash -c "
  export POPREG_NOW=2026-11-10T10:00:00Z
  '$popreg' review --db '$db' --user zhao --action reject --item $disputed &&
  '$popreg' review --db '$db' --user zhao --action reject --item $rejected &&
  '$popreg' review --db '$db' --user zhao --action approve --community $c1"
check_show "staff verify $c3 after the reporting deadline, on 2026-11-15" \
  at 2026-11-15T10:00:00Z "$popreg" review --db "$db" --user staff --action verify --community "$c3"
check_show "the reviewer applies $c1's approved items on 2026-11-20" \
  at 2026-11-20T10:00:00Z "$popreg" apply --db "$db" --user zhao --all-approved --community "$c1"
"$popreg" discrepancies --db "$db" --format json --out "$work/items_final.json" >/dev/null

# 4. Progress as it stood on past days: before the comparison, during reporting, after each
# deadline; overdue where a milestone's deadline passed with items not done.
for day in 2026-09-20 2026-10-05 2026-10-25 2026-11-05 2026-11-16 2026-12-01 2026-12-21; do
  check_show "progress on $day" bash -c "
    '$popreg' progress --db '$db' --as-of $day --out '$work/progress_$day.csv' &&
    '$py' '$oracle_py' progress '$work' $day '$work/progress_$day.csv'"
done
check_show "on 2026-11-05 $c2 and $c3 are overdue for reporting, $c1 is not" bash -c "
  grep -q '^$c2,.*,reporting,.*,1\$' '$work/progress_2026-11-05.csv' &&
  grep -q '^$c3,.*,reporting,.*,1\$' '$work/progress_2026-11-05.csv' &&
  grep -q '^$c1,.*,reporting,.*,100.0,0\$' '$work/progress_2026-11-05.csv' &&
  grep -q '^$c3,.*,reporting,.*,100.0,0\$' '$work/progress_2026-11-16.csv'"
check_show "progress as xlsx: the same rows under Chinese headers" bash -c "
  '$popreg' progress --db '$db' --campaign 2026年人口信息核查 --as-of 2026-11-05 \
    --out '$work/progress.xlsx' &&
  '$py' '$oracle_py' progress-xlsx '$work' 2026-11-05 '$work/progress.xlsx'"

# 5. The monthly hand-over.
for day in 2026-10-03 2026-10-04 2026-11-10; do
  check_show "intake on $day" bash -c "
    '$popreg' intake --db '$db' --as-of $day --out '$work/intake_$day.csv' &&
    '$py' '$oracle_py' intake '$work' $day '$work/intake_$day.csv'"
done
check_show "intake of one month; police_births late, October's files missing" bash -c "
  '$popreg' intake --db '$db' --as-of 2026-11-10 --month 2026-09 --out '$work/intake_m.csv' &&
  '$py' '$oracle_py' intake '$work' 2026-11-10 '$work/intake_m.csv' 2026-09 &&
  grep -q '^late,police_births,公安出生登记,,全部,2026-09,2026-10-03,2026-10-05T08:00:00.000Z,clerk,' \
    '$work/intake_m.csv' &&
  grep -q '^missing,police_population,公安户籍,,全部,2026-10,2026-11-03,' \
    '$work/intake_2026-11-10.csv'"
check_show "intake as xlsx" bash -c "
  '$popreg' intake --db '$db' --as-of 2026-11-10 --out '$work/intake.xlsx' &&
  '$py' '$oracle_py' intake-xlsx '$work' '$work/intake.xlsx'"
check_show "a bad month is a clear error" expect_error "'2026-9' is not a month" \
  "$popreg" intake --db "$db" --month 2026-9

# 6. The year-end assessment; the gap to the police list from the statistics comparison.
check_show "assess 2026 with the default settings" bash -c "
  '$popreg' stats --db '$db' --as-of 2026-09-30 --out '$work/stats.csv' >/dev/null &&
  '$popreg' assess --db '$db' --year 2026 --out '$work/assess.csv' &&
  '$py' '$oracle_py' assess '$work' '$work/assess.csv'"
printf '[weights]\ncompletion = 1\ntimeliness = 0\naccuracy = 0\ngap = 0\n' >"$work/only.toml"
check_show "assess with --settings: completion alone" bash -c "
  '$popreg' assess --db '$db' --year 2026 --settings '$work/only.toml' \
    --out '$work/assess_only.csv' &&
  '$py' '$oracle_py' assess '$work' '$work/assess_only.csv' 1,0,0,0"
check_show "assess as xlsx: Chinese headers, shares as percentages" bash -c "
  '$popreg' assess --db '$db' --year 2026 --out '$work/assess.xlsx' &&
  '$py' - '$work/assess.xlsx' '$work/assess.csv' <<'PY'
import csv, sys, openpyxl
rows = [[c if c is not None else '' for c in r]
        for r in openpyxl.load_workbook(sys.argv[1]).active.iter_rows(values_only=True)]
want = list(csv.reader(open(sys.argv[2], encoding='utf-8')))
assert rows[0][:5] == ['排名', '乡镇街道代码', '乡镇街道', '社区代码', '社区'], rows[0]
assert rows[0][-1] == '总分', rows[0]
assert len(rows) == len(want), (len(rows), len(want))
for r, w in zip(rows[1:], want[1:]):
    assert r[3] == w[3] and r[-1] == w[-1], (r, w)
    assert abs(float(r[7][:-1]) - 100 * float(w[7])) <= 0.06 and r[7].endswith('%'), (r[7], w[7])
print(len(rows) - 1, 'communities; first', rows[1][3], rows[1][-1])
PY"
printf '[weights]\ncompletion = 40\n\naccuracy = -5\n' >"$work/bad.toml"
check_show "a bad weight names the file and the line" expect_error \
  "$work/bad.toml:4: weights.accuracy: -5 is not a weight" \
  "$popreg" assess --db "$db" --year 2026 --settings "$work/bad.toml"
check_show "a year without a campaign is a clear error" expect_error "no campaign overlaps 2025" \
  "$popreg" assess --db "$db" --year 2025
check_show "the built-in settings are the shipped file" bash -c "
  '$popreg' assess --default-settings | diff - '$(dirname "${BASH_SOURCE[0]}")/../config/assessment.toml'"
summary cli_campaign
