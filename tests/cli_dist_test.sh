#!/usr/bin/env bash
# End-to-end: `--dist mpi` under OpenMPI's mpirun with 2 and 4 local ranks. `popreg link`,
# `popreg dedupe` and `popreg compare` must write exactly what one process writes, byte for byte:
# every scored pair with its weight, every cluster, every discrepancy with its evidence.
# With POPREG_TEST_DB_URL_BASE set to a PostgreSQL server's URL, only the comparison runs, its
# stores databases there (rank 0 saves, every rank reads).
# usage: cli_dist_test.sh POPREG PROJECT_DIR
set -uo pipefail
popreg=$1
project=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$project" || exit 1
# shellcheck source=tests/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
if ! command -v mpirun >/dev/null; then
  echo "cli_dist: mpirun is missing (scripts/bootstrap installs openmpi-bin)"
  exit 1
fi
if ! "$popreg" link --help | grep -q -- --dist; then
  echo "cli_dist: this popreg has no --dist"
  exit 1
fi
# OpenMPI refuses root without these (CI and containers run as root); more ranks than cores is
# what the test wants. Its own allocations are not ours to leak-check under ASan.
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_rmaps_base_oversubscribe=1
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"
ranks() {  # ranks N COMMAND...: the command on N local ranks, killed after 10 minutes
  local n=$1
  shift
  timeout 600 mpirun --oversubscribe -n "$n" "$@"
}
same() { cmp "$1" "$2" && echo "$(wc -l <"$1") lines identical"; }
pg=${POPREG_TEST_DB_URL_BASE:-}
if [ -n "$pg" ]; then
  trap 'rm -rf "$work"
    for n in 1 2 4; do
      psql -q "$pg/postgres" -c "DROP DATABASE IF EXISTS popreg_dist_$$_$n" >/dev/null
    done' EXIT
fi

if [ -z "$pg" ]; then
  # link: FEBRL 4, every scored candidate pair (the weights to the last printed digit) and the
  # links.
  "$popreg" link --config bench/febrl4/link.toml --out "$work/febrl-1.csv" --all-pairs 2>/dev/null
  "$popreg" link --config bench/febrl4/link.toml --out "$work/links-1.csv" 2>/dev/null
  for n in 2 4; do
    check_show "link FEBRL 4 on $n ranks: every scored pair as one process" bash -c "
      $(declare -f ranks same); ranks $n '$popreg' link --config bench/febrl4/link.toml \
        --out '$work/febrl-$n.csv' --all-pairs --dist mpi 2>'$work/err' && same '$work/febrl-1.csv' '$work/febrl-$n.csv'"
    check "link FEBRL 4 on $n ranks: the links as one process" bash -c "
      $(declare -f ranks same); ranks $n '$popreg' link --config bench/febrl4/link.toml \
        --out '$work/links-$n.csv' --dist mpi 2>/dev/null && same '$work/links-1.csv' '$work/links-$n.csv'"
  done
  check "rank 0 alone prints the summary" bash -c "[ \$(grep -c '^model: lambda' '$work/err') = 1 ]"
  # Of 4 ranks rank 0 (the one that logs) reads the first quarter of each file (FEBRL 4: 5,000
  # records a side), the others theirs.
  check_show "rank 0 of 4 reads and normalises the first quarter of the rows only" bash -c "
    grep 'rank 0 of 4 reads rows 1-1250 of the 5000 of .*dataset4a.csv' '$work/err' &&
    grep -q 'rank 0 of 4 reads rows 1-1250 of the 5000 of .*dataset4b.csv' '$work/err'"
  check "--dist mpi without mpirun: one rank, the same pairs" bash -c "
    '$popreg' link --config bench/febrl4/link.toml --out '$work/febrl-s.csv' --all-pairs \
      --dist mpi 2>/dev/null && cmp '$work/febrl-1.csv' '$work/febrl-s.csv'"
  check "--dist takes none or mpi" bash -c "
    ! '$popreg' link --config bench/febrl4/link.toml --out '$work/x.csv' --dist slurm 2>'$work/e' &&
    grep -q 'dist' '$work/e'"
fi

"$popreg" gen --out "$work/d" --households 1500 --seed 5 >/dev/null
if [ -z "$pg" ]; then
  # dedupe: a district's register.
  "$popreg" dedupe --config tests/register-dedupe.toml --file "$work/d/register.csv" \
    --out "$work/clusters-1.csv" 2>/dev/null
  for n in 2 4; do
    check_show "dedupe a register on $n ranks: the clusters as one process" bash -c "
      $(declare -f ranks same); ranks $n '$popreg' dedupe --config tests/register-dedupe.toml \
        --file '$work/d/register.csv' --out '$work/clusters-$n.csv' --dist mpi 2>/dev/null &&
      same '$work/clusters-1.csv' '$work/clusters-$n.csv'"
  done
fi

# compare: the same district in a store, compared by one process and by 2 and 4 ranks (each its
# own copy of the store); every item with its evidence and explanation, the city's CSV.
import_all() {
  for kind in areas register police_population police_births vaccinations cremations \
    death_certificates manual_report; do
    "$popreg" import --db "$1" --kind $kind --as-of 2026-09-30 "$work/d/$kind.csv" >/dev/null 2>&1
  done
}
if [ -z "$pg" ]; then
  new_store "$popreg" "$work/base.db"
  import_all "$work/base.db"
fi
for n in 1 2 4; do
  if [ -n "$pg" ]; then
    db=$pg/popreg_dist_$$_$n
    new_store "$popreg" "$db"
    import_all "$db"
  else
    db=$work/s$n.db
    cp "$work/base.db" "$db"
  fi
  launch=()
  [ "$n" = 1 ] || launch=(timeout 600 mpirun --oversubscribe -n "$n")
  "${launch[@]}" "$popreg" compare --db "$db" --as-of 2026-09-30 --since 2025-10-01 \
    $([ "$n" = 1 ] || echo --dist mpi) >"$work/summary-$n.txt" 2>/dev/null
  "$popreg" discrepancies --db "$db" --out "$work/items-$n.json" >/dev/null
  "$popreg" discrepancies --db "$db" --out "$work/items-$n.csv" >/dev/null
done
check "one process found items" bash -c "[ \$(wc -l <'$work/items-1.csv') -gt 100 ]"
for n in 2 4; do
  check_show "compare on $n ranks: every item as one process (JSON)" \
    same "$work/items-1.json" "$work/items-$n.json"
  check "compare on $n ranks: the city's CSV as one process" \
    same "$work/items-1.csv" "$work/items-$n.csv"
  check "compare on $n ranks: one comparison saved, one summary printed" bash -c "
    [ \$(grep -c '^Comparison 1: ' '$work/summary-$n.txt') = 1 ] &&
    diff '$work/summary-1.txt' '$work/summary-$n.txt'"
done

# A failure on the ranks ends the job with the error, not a hang.
[ -n "$pg" ] || check "a missing input file fails on every rank, with its name" bash -c "
  $(declare -f ranks); ! ranks 2 '$popreg' link --config bench/febrl4/link.toml \
    --left-file '$work/nope.csv' --out '$work/x.csv' --dist mpi 2>'$work/e'
  grep -q 'nope.csv' '$work/e'"

summary cli_dist
