#!/usr/bin/env bash
# End-to-end: on a small district of every shipped error profile (gen-profiles/*.toml), made by
# `popreg gen --profile`, `popreg compare` reports every type of the spec at precision and recall
# >= 0.99 against truth.csv (scored by shared/tools/check-discrepancies). bench/compare/profiles
# runs the same on larger districts and more seeds.
# usage: cli_profiles_test.sh POPREG SHARED_DIR
set -uo pipefail
popreg=$1
shared=$2
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# shellcheck source=tests/lib.sh
source "$here/lib.sh"
as_of=2026-09-30
since=2025-10-01

# Makes, stores, compares and scores the district of profile $1.
score_profile() {
  local name=$1 d=$work/$1
  "$popreg" gen --out "$d" --households "${HOUSEHOLDS:-1500}" --seed "${SEED:-1}" \
    --profile "$here/../gen-profiles/$name.toml" --as-of $as_of --since $since >/dev/null || return 1
  new_store "$popreg" "$d/store.db" || return 1
  for kind in areas register police_population police_births vaccinations cremations \
    death_certificates manual_report; do
    "$popreg" import --db "$d/store.db" --kind $kind --as-of $as_of "$d/$kind.csv" >/dev/null \
      2>&1 || return 1
  done
  "$popreg" compare --db "$d/store.db" --as-of $as_of --since $since >/dev/null 2>&1 || return 1
  "$popreg" discrepancies --db "$d/store.db" --out "$d/disc.csv" >/dev/null || return 1
  scores_at_least "$shared" "$d/disc.csv" "$d/truth.csv"
}

check "the profiles are shipped" test "$(ls "$here"/../gen-profiles/*.toml | wc -l)" -ge 4
for profile in "$here"/../gen-profiles/*.toml; do
  name=$(basename "$profile" .toml)
  check "$name: every type at precision and recall >= 0.99" score_profile "$name"
done
check "a bad profile is a clear error naming the file and the rate" bash -c "
  printf '[rates]\ntwins = 2\n' >'$work/bad.toml'
  ! '$popreg' gen --out '$work/bad' --households 10 --profile '$work/bad.toml' 2>'$work/err' &&
  grep -q 'bad.toml: rates.twins: must be a number between 0 and 1' '$work/err'"
summary cli_profiles
