#!/usr/bin/env bash
# End-to-end: `popreg --help/--version` and `popreg gen` through the real binary, and truth.csv
# turned into a discrepancy file that the city's checker (shared/tools/check-discrepancies)
# accepts and scores perfectly, which proves every key is in the spec's form.
# usage: cli_gen_test.sh POPREG SHARED_DIR
set -uo pipefail
popreg=$1
shared=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# shellcheck source=tests/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

check "version" bash -c "'$popreg' --version | grep -qx 'popreg [0-9]*\.[0-9]*\.[0-9]*'"
check "help lists gen" bash -c "'$popreg' --help | grep -q '^  gen '"
check "no subcommand is a usage error" bash -c "! '$popreg' >/dev/null 2>&1"
check "gen without --out fails naming it" bash -c \
  "'$popreg' gen 2>&1 | grep -q -- '--out is required'; test \${PIPESTATUS[0]} -eq 2"
check "unknown rate fails naming it" bash -c \
  "'$popreg' gen --out '$work/x' --rate nope=1 2>&1 | grep -q \"unknown rate 'nope'\""
check "bad date fails naming it" bash -c \
  "'$popreg' gen --out '$work/x' --as-of 2026-02-30 2>&1 | grep -q -- '--as-of'"
check "list rates" bash -c "'$popreg' gen --list-rates | grep -q '^duplicate '"

check "gen writes a district" "$popreg" gen --out "$work/a" --households 800 --seed 3
check "every file is there" bash -c "cd '$work/a' && ls areas.csv register.csv \
  police_population.csv police_births.csv vaccinations.csv cremations.csv \
  death_certificates.csv manual_report.csv truth.csv identities.csv"
check "gen is deterministic" bash -c "'$popreg' gen --out '$work/b' --households 800 --seed 3 \
  >/dev/null && diff -r '$work/a' '$work/b'"

# truth.csv as a discrepancy file of the spec, scored by the city's checker against itself.
awk -F, 'NR == 1 { print "id,type,community_code,register_key,register_key_2,source_kind,source_row,source_id_number,field,register_value,source_value,birth_key,match_probability,status,proposal"; next }
  { rk = ""; rk2 = ""; sid = ""; bk = ""; f = ""
    if ($1 == "missing_in_register") sid = $2
    else if ($1 == "unrecorded_birth") bk = $2
    else { rk = $2; rk2 = $3; f = $4 }
    printf "%d,%s,,%s,%s,,,%s,%s,,,%s,,open,\n", NR - 1, $1, rk, rk2, sid, f, bk }' \
  "$work/a/truth.csv" >"$work/disc.csv"
check "truth keys are in the spec's form" "$shared/tools/check-discrepancies" "$work/disc.csv" \
  --truth "$work/a/truth.csv"
check "truth scores perfectly against itself" bash -c "'$shared/tools/check-discrepancies' \
  '$work/disc.csv' --truth '$work/a/truth.csv' | awk '/precision=/ { n++; if (\$0 !~ /precision=1.0000 recall=1.0000/) bad = 1 } END { exit !(n == 8 && !bad) }'"

summary cli_gen
