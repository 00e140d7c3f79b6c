#!/usr/bin/env bash
# End-to-end: `popreg link`, `popreg link explain` and `popreg dedupe` through the real binary.
# FEBRL 4 with the shipped configuration must reach 0.99 precision and recall without labels;
# a synthetic district's register must link to its police list just as well.
# usage: cli_link_test.sh POPREG PROJECT_DIR
set -uo pipefail
popreg=$1
project=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$project" || exit 1
# shellcheck source=tests/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
at_least() {  # at_least SCORE-LINE FIELD MIN: the field's value in the score line is >= MIN
  awk -v f="$2" -v min="$3" '{ for (i = 1; i < NF; i++) if ($i == f) v = $(i + 1) }
    END { printf "%s %s (need %s)\n", f, v, min; exit !(v >= min) }' <<<"$1"
}

check "link FEBRL 4" "$popreg" link --config bench/febrl4/link.toml --out "$work/febrl.csv"
febrl=$(bench/febrl4/score "$work/febrl.csv")
echo "      $febrl"
check "FEBRL 4 precision >= 0.99" at_least "$febrl" precision 0.99
check "FEBRL 4 recall >= 0.99" at_least "$febrl" recall 0.99
check "PAIRS.csv header" bash -c "head -1 '$work/febrl.csv' | grep -qx 'left_id,right_id,match_weight,match_probability'"
check "all pairs" bash -c "'$popreg' link --config bench/febrl4/link.toml --out '$work/all.csv' \
  --all-pairs 2>/dev/null && [ \$(wc -l <'$work/all.csv') -gt \$(wc -l <'$work/febrl.csv') ]"
check "explain sums to the match weight" bash -c "'$popreg' link explain --config \
  bench/febrl4/link.toml --left rec-1070-org --right rec-1070-dup-0 2>/dev/null | awk '
  /match weight/ { total = \$NF; next } /probability/ { next }
  NR > 1 { sum += \$NF } END { d = sum - total; exit !(d < 0.01 && d > -0.01 && total > 10) }'"
check "explain without --right names the link" bash -c "'$popreg' link explain --config \
  bench/febrl4/link.toml --left rec-1070-org 2>/dev/null | grep -q '^rec-1070-org: linked to rec-1070-dup-0'"
check "explain of an unlinked record shows its best candidate and why" bash -c "
  '$popreg' link --config bench/febrl4/link.toml --out '$work/links.csv' 2>/dev/null
  id=\$(python3 - '$project/../shared/data/febrl/dataset4a.csv' '$work/links.csv' <<'PY'
import csv, sys
linked = {r['left_id'] for r in csv.DictReader(open(sys.argv[2]))}
ids = [r['rec_id'].strip() for r in csv.DictReader(open(sys.argv[1]), skipinitialspace=True)]
print(next(i for i in ids if i not in linked))
PY
  )
  '$popreg' link explain --config bench/febrl4/link.toml --left \$id 2>/dev/null >'$work/why' &&
  cat '$work/why' && grep -Eq '^'\$id': (not linked; best candidate .*: (match probability .* below the threshold|the candidate was linked to another)|no candidate pair)' '$work/why'"
check "explain of an unknown id fails" bash -c "! '$popreg' link explain --config \
  bench/febrl4/link.toml --left nope --right rec-1070-dup-0 2>/dev/null"

cat >"$work/bad.toml" <<'TOML'
[input]
left = "a.csv"
id = "id"
[[field]]
name = "x"
normalize = "soundex"
TOML
check "a bad configuration is named" bash -c "'$popreg' link --config '$work/bad.toml' --out x 2>&1 \
  | grep -q 'bad.toml: field\[0\]: normalize'"

"$popreg" gen --out "$work/d" --households 1500 --seed 4 >/dev/null
check "link a district's register to its police list" "$popreg" link \
  --config bench/district/police.toml --left-file "$work/d/register.csv" \
  --right-file "$work/d/police_population.csv" --out "$work/d.csv"
district=$(bench/district/score "$work/d" "$work/d.csv")
echo "      $district"
check "district precision >= 0.99" at_least "$district" precision 0.99
check "district recall >= 0.99" at_least "$district" recall 0.99

check "dedupe a register" "$popreg" dedupe --config tests/register-dedupe.toml \
  --file "$work/d/register.csv" --out "$work/clusters.csv"
# Every duplicate pair of truth.csv is in one cluster.
check "duplicates of truth.csv share a cluster" awk -F, '
  FNR == 1 { file++; next }
  file == 1 { cluster[$1] = $2 }
  file == 2 && $1 == "duplicate_in_register" { n++; if (cluster[$2] == cluster[$3]) same++ }
  END { printf "%d of %d duplicate pairs clustered\n", same, n; exit !(n > 0 && same >= 0.9 * n) }' \
  "$work/clusters.csv" "$work/d/truth.csv"

summary cli_link
