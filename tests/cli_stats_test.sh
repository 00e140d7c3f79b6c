#!/usr/bin/env bash
# End-to-end: the statistics comparison (issue 13). A generated district is imported and
# compared; `popreg stats` writes every level as csv, the workbook, the PDF and the manual
# report's layout; tests/stats_oracle.py counts the same figures again from the imported files
# and the generator's identities.csv (which person each row is), checks that every township is
# the sum of its communities and the district the sum of its townships, reads the workbook back
# (headers, merged group headers, frozen panes, numbers) and the PDF's text. Then staff verify
# and a reviewer approves every item (tests/review_oracle.py), and applying them makes the
# register's figures exactly what the statistics projected for "after approved".
# usage: cli_stats_test.sh POPREG SHARED_DIR
set -uo pipefail
popreg=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# shellcheck source=tests/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
stats_oracle() { /usr/bin/python3 "$here/stats_oracle.py" "$@"; }
db=$work/store.db
as_of=2026-09-30
since=2025-10-01

"$popreg" gen --out "$work/d" --households 1500 --seed 4 >/dev/null
new_store "$popreg" "$db"
for kind in areas register police_population police_births vaccinations cremations \
  death_certificates manual_report; do
  "$popreg" import --db "$db" --kind $kind --as-of $as_of "$work/d/$kind.csv" >/dev/null 2>&1
done
"$popreg" export --db "$db" --kind areas --out "$work/areas.csv" >/dev/null

check_show "without a comparison, stats says which compare to run" bash -c "
  ! '$popreg' stats --db '$db' --as-of $as_of --out '$work/none.csv' 2>'$work/err' &&
  cat '$work/err' && grep -q 'popreg compare --db .* --as-of $as_of' '$work/err'"
check "compare" "$popreg" compare --db "$db" --as-of $as_of --since $since
check_show "stats at every level (csv), the workbook and the manual report's layout" bash -c "
  for level in community township district; do
    '$popreg' stats --db '$db' --as-of $as_of --level \$level --out '$work/'\$level.csv || exit 1
  done &&
  '$popreg' stats --db '$db' --as-of $as_of --out '$work/stats.xlsx' &&
  '$popreg' stats --db '$db' --as-of $as_of --out '$work/stats.pdf' &&
  '$popreg' stats --db '$db' --as-of $as_of --layout manual --out '$work/manual.csv' &&
  '$popreg' stats --db '$db' --as-of $as_of --level township"
check_show "another window than the comparison's is refused, naming the compare to run" bash -c "
  ! '$popreg' stats --db '$db' --as-of $as_of --since 2026-01-01 --out '$work/x.csv' \
    2>'$work/err' && cat '$work/err' && grep -q 'since 2026-01-01' '$work/err'"
check_show "the figures, counted again from the files; townships and district add up" \
  stats_oracle counts "$work/d" "$work" $as_of $since
check_show "the workbook: a sheet per level, merged group headers, frozen panes, numbers" \
  stats_oracle xlsx "$work"
check_show "the PDF: an A4 landscape table per level with the same figures" \
  stats_oracle pdf "$work"
check_show "the manual report's layout: Chinese headers, the register's figures" \
  stats_oracle manual "$work"
check "the manual report's layout imports as a manual_report" \
  "$popreg" import --db "$db" --kind manual_report --as-of $as_of "$work/manual.csv"

# The review: staff verify every item as the generator's truth says, the reviewer approves
# what was verified; the statistics project the register after the approved items, and
# applying them makes it so.
check "users: a reviewer and community staff of each township" bash -c "
  '$popreg' user add --db '$db' --user admin --login reviewer --role reviewer --all-areas \
    --name reviewer --password-file '$work/password' &&
  for t in \$(python3 '$here/review_oracle.py' townships '$work/areas.csv'); do
    '$popreg' user add --db '$db' --user admin --login staff_\$t --role community --area \$t \
      --name staff --password-file '$work/password' || exit 1
  done"
check "community staff verify every item, the reviewer decides" bash -c "
  python3 '$here/review_oracle.py' verify '$popreg' '$db' '$work/d' '$work' &&
  python3 '$here/review_oracle.py' decide '$popreg' '$db' '$work/d' '$work'"
check "stats before applying" "$popreg" stats --db "$db" --as-of $as_of --out "$work/before.csv"
check "apply --all-approved" "$popreg" apply --db "$db" --user reviewer --all-approved
check "stats after applying" "$popreg" stats --db "$db" --as-of $as_of --out "$work/after.csv"
check_show "the register after applying is what the statistics projected" \
  stats_oracle projection "$work/before.csv" "$work/after.csv"
summary cli_stats
