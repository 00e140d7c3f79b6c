#!/usr/bin/env bash
# End-to-end: `popreg compare --learn` (issue 12, "Learning from the reviewers") through the real
# binary. A harsh district (gen-profiles/harsh.toml with more twins, duplicates and typos in
# several fields of one person, where the unsupervised comparison links some pairs wrongly) is
# imported and compared; a reviewer who knows the truth (truth.csv) approves every
# field_mismatch, unrecorded_death and duplicate_in_register item that is real and rejects the
# others; the same imports are compared again with --learn. The test checks that
#   - --learn reports the labels each model used (printed and in the comparison's summary_json),
#   - without --learn the decisions change nothing (the comparison finds the same items),
#   - with --learn the precision and recall of the three link-based types (check-discrepancies
#     against truth.csv) are at least as good as the first round's, and better for one of them
#     when the first round erred.
# usage: cli_learn_test.sh POPREG SHARED_DIR
set -uo pipefail
popreg=$1
shared=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# shellcheck source=tests/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
db=$work/store.db
show() { sed 's/^/      /' "$work/out"; }
check_show() {
  local before=$failed
  check "$@"
  [ "$failed" -ne "$before" ] || show
}

"$popreg" gen --out "$work/d" --households 1500 --seed 14 --profile "$root/gen-profiles/harsh.toml" \
  --rate twins=1.0 --rate birth_rate=0.08 --rate multi_name_sex=0.2 --rate multi_name_birth_sex=0.2 \
  --rate multi_name_id=0.1 --rate id_substitution=0.1 --rate duplicate=0.2 >/dev/null
new_store "$popreg" "$db"
for kind in areas register police_population police_births vaccinations cremations \
  death_certificates; do
  "$popreg" import --db "$db" --kind $kind --as-of 2026-09-30 "$work/d/$kind.csv" >/dev/null 2>&1
done
"$popreg" user add --db "$db" --user admin --login reviewer --role reviewer --all-areas \
  --password-file "$work/password" >/dev/null
"$popreg" user add --db "$db" --user admin --login staff --role community --all-areas \
  --password-file "$work/password" >/dev/null

# compare N [--learn]: a comparison of the same dates and imports; its summary in $work/cmpN.txt
# and its items (all but resolved) in $work/dN.csv, scored in $work/scoreN.
compare() {
  local n=$1
  shift
  "$popreg" compare --db "$db" --as-of 2026-09-30 --since 2025-10-01 "$@" >"$work/cmp$n.txt" \
    2>"$work/err" || { cat "$work/err"; return 1; }
  "$popreg" discrepancies --db "$db" --out "$work/d$n.csv" >/dev/null || return 1
  "$shared/tools/check-discrepancies" "$work/d$n.csv" --truth "$work/d/truth.csv" \
    >"$work/score$n" || return 1
  grep -E "field_mismatch|unrecorded_death|duplicate_in_register" "$work/score$n"
}
check_show "round 1: compare without labels" compare 1
# --learn with no decision yet: no label, the same items as without.
no_labels() {
  compare 0 --learn >/dev/null &&
    diff <(cut -d, -f2-13 "$work/d1.csv" | sort) <(cut -d, -f2-13 "$work/d0.csv" | sort) &&
    ! grep 'learnt from reviews' "$work/cmp0.txt"
}
check "round 1 again with --learn and no labels: the same items" no_labels

# The reviewer: approve the link-based items that are in truth.csv, reject the others.
"$popreg" discrepancies --db "$db" --format json --out "$work/items1.json" >/dev/null
python3 - "$work/items1.json" "$work/d/truth.csv" >"$work/decisions" <<'PY'
import csv, json, sys
truth = set()
for r in csv.DictReader(open(sys.argv[2], encoding="utf-8-sig")):
    truth.add((r["type"], r["key"], r["key2"], r["field"]))
for it in json.load(open(sys.argv[1])):
    t = it["type"]
    if t == "field_mismatch":
        key = (t, it["register_key"], "", it["field"])
    elif t == "unrecorded_death":
        key = (t, it["register_key"], "", "")
    elif t == "duplicate_in_register":
        a, b = sorted((it["register_key"], it["register_key_2"]))
        key = (t, a, b, "")
    else:
        continue
    print(it["id"], "approve" if key in truth else "reject")
PY
# Staff verify every item of the three types, the reviewer rejects the false ones one by one
# and approves the rest of each type at once.
decide() {
  local id action t
  for t in field_mismatch unrecorded_death duplicate_in_register; do
    "$popreg" review --db "$db" --user staff --type $t --action verify >/dev/null || return 1
  done
  while read -r id action; do
    [ "$action" = reject ] || continue
    "$popreg" review --db "$db" --user reviewer --item "$id" --action reject \
      --note "not in the truth" >/dev/null || return 1
  done <"$work/decisions"
  for t in field_mismatch unrecorded_death duplicate_in_register; do
    "$popreg" review --db "$db" --user reviewer --type $t --action approve >/dev/null || return 1
  done
  echo "$(grep -c approve "$work/decisions") approved, $(grep -c reject "$work/decisions") rejected"
}
check_show "the reviewer decides every link-based item" decide

unchanged() {
  compare 2 && diff <(cut -d, -f2-13 "$work/d1.csv" | sort) <(cut -d, -f2-13 "$work/d2.csv" | sort)
}
check_show "round 2: without --learn the decisions change nothing" unchanged
check_show "round 3: compare --learn" compare 3 --learn
reported() {
  grep -A10 'learnt from reviews' "$work/cmp3.txt" || return 1
  python3 - "$db" <<'PY'
import json, sqlite3, sys
row = sqlite3.connect(sys.argv[1]).execute(
    "SELECT summary_json FROM comparisons ORDER BY id DESC LIMIT 1").fetchone()
used = {l["name"]: l["labels"] for l in json.loads(row[0])["links"] if "labels" in l}
print(used)
assert sum(u["matches"] + u["non_matches"] for u in used.values()) > 0
PY
}
check_show "--learn reports the labels each model used" reported

# Precision and recall of the link-based types: none worse than round 1's, one better when
# round 1 had an error to learn from.
better() {
  python3 - "$work/score1" "$work/score3" <<'PY'
import re, sys
def scores(path):
    rows = re.findall(r'(\w+) +truth= *(\d+) +found= *(\d+) +precision=([\d.]+) +recall=([\d.]+)',
                      open(path).read())
    return {t: (float(p), float(r)) for t, _, _, p, r in rows
            if t in ("field_mismatch", "unrecorded_death", "duplicate_in_register")}
before, after = scores(sys.argv[1]), scores(sys.argv[2])
erred = any(p < 1 or r < 1 for p, r in before.values())
improved = False
for t in before:
    print(f"{t:24s} round 1 p={before[t][0]:.4f} r={before[t][1]:.4f}   "
          f"--learn p={after[t][0]:.4f} r={after[t][1]:.4f}")
    assert after[t][0] >= before[t][0] and after[t][1] >= before[t][1], t
    improved = improved or after[t] > before[t]
assert improved or not erred, "round 1 erred and --learn did not improve"
print("round 1 erred" if erred else "round 1 made no error: nothing to improve")
PY
}
check_show "--learn: precision and recall at least as good, better on one type" better

# Applying the approved items merges the duplicates: their labels name a card that no longer
# exists and are skipped (counted), the police list's labels still count.
after_apply() {
  "$popreg" apply --db "$db" --user reviewer --all-approved >/dev/null 2>&1 || return 1
  compare 4 --learn >/dev/null || return 1
  grep -A10 'learnt from reviews' "$work/cmp4.txt"
  grep -A10 'learnt from reviews' "$work/cmp4.txt" | awk '
    /duplicates/ { dup = ($(NF-3) == 0 && $(NF-1) > 0) }
    /police_population/ { police = ($(NF-3) > 0) }
    END { exit !(dup && police) }'
}
check_show "after apply: the merged duplicates' labels are skipped" after_apply

summary cli_learn
