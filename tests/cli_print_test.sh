#!/usr/bin/env bash
# End-to-end: the household-card books (issue 13) through the real binary. A generated district
# is imported and printed; then, read back with poppler (tests/print_check.py), every community
# has ceil(households / 100) books, every household is in exactly one book in the order of its
# dwelling, and each book's cover, catalogue (with the page each card starts on), cards, back
# labels and footers agree with the register. Errors: an unknown community, a missing --db, a
# user of another township, an --out that is a file. Pictures of a cover, a catalogue page, a
# card page and a label page go to the work folder and to PROJECT_DIR/out/screens/.
# usage: cli_print_test.sh POPREG PROJECT_DIR
# With POPREG_TEST_DB_URL_BASE set to a PostgreSQL server's URL the store is a database there.
set -uo pipefail
popreg=$1
project=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# shellcheck source=tests/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
checker=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/print_check.py
db=$work/store.db
pg=${POPREG_TEST_DB_URL_BASE:-}
if [ -n "$pg" ]; then
  db=$pg/popreg_print_$$
  trap 'rm -rf "$work"; psql -q "$pg/postgres" -c "DROP DATABASE IF EXISTS popreg_print_$$" \
    >/dev/null' EXIT
fi
for tool in pdftotext pdfinfo pdffonts pdftoppm; do
  command -v $tool >/dev/null || { echo "cli_print: $tool (poppler-utils) is missing"; exit 1; }
done

# 400 households: two communities, one of about 300 households (several books), one under 100.
"$popreg" gen --out "$work/d" --households 400 --seed 3 >/dev/null
new_store "$popreg" "$db"
for kind in areas register; do
  "$popreg" import --db "$db" --kind $kind "$work/d/$kind.csv" >/dev/null 2>&1
done
"$popreg" export --db "$db" --kind register --out "$work/register.csv" >/dev/null
"$popreg" export --db "$db" --kind areas --out "$work/areas.csv" >/dev/null

check "print writes every community's books and says where they went" bash -c "
  '$popreg' print --db '$db' --out '$work/books' --as-of 2026-09-30 >'$work/print.out' \
    2>'$work/print.err' && cat '$work/print.out' && grep -q 'to $work/books' '$work/print.out'"
sed 's/^/      /' "$work/print.out"
check "the books agree with the register (covers, catalogues, cards, labels, order, pages)" \
  bash -c "python3 '$checker' books '$work/books' '$work/register.csv' '$work/areas.csv' && \
    ! ls '$work/books' | grep -v '\.pdf$'"
sed 's/^/      /' "$work/out"

# One township: only its communities, into another folder.
township=$(awk -F, '$3 == "township" {print substr($1, 1, 9); exit}' "$work/areas.csv")
check "print --community with a township's code prefix prints only its communities" bash -c "
  '$popreg' print --db '$db' --community $township --out '$work/township' --as-of 2026-09-30 \
    >/dev/null 2>&1 &&
  python3 '$checker' books '$work/township' '$work/register.csv' '$work/areas.csv' $township"
community=$(awk -F, 'NR > 1 {print $2; exit}' "$work/register.csv")
check "print --community with a community's code prints its books alone" bash -c "
  '$popreg' print --db '$db' --community $community --out '$work/one' --as-of 2026-09-30 \
    >/dev/null 2>&1 &&
  python3 '$checker' books '$work/one' '$work/register.csv' '$work/areas.csv' $community"
# A book left from an earlier print with more books (here a planted 009) goes; nothing else does.
cp "$(ls "$work/one"/*.pdf | head -1)" "$work/one/$community-009.pdf"
touch "$work/one/notes.txt"
check "printing again replaces the books with the same text" bash -c "
  '$popreg' print --db '$db' --community $community --out '$work/one' --as-of 2026-09-30 \
    >/dev/null 2>&1 && for f in '$work/one'/*.pdf; do
      cmp <(pdftotext -raw \"\$f\" -) <(pdftotext -raw '$work/books'/\$(basename \"\$f\") -) ||
        exit 1; done"
check "printing again removes the community's stale books and keeps other files" bash -c "
  ! test -e '$work/one/$community-009.pdf' && test -e '$work/one/notes.txt' &&
  test \$(ls '$work/one'/*.pdf | wc -l) -eq \$(ls '$work/books'/$community-*.pdf | wc -l)"

check "an unknown community is a clear error and writes nothing" bash -c "
  ! '$popreg' print --db '$db' --community 999999 --out '$work/none' 2>'$work/err' &&
  cat '$work/err' && grep -q \"unknown community '999999'\" '$work/err' &&
  ! ls '$work/none'/*.pdf 2>/dev/null"
check "a missing --db is a usage error" bash -c "
  '$popreg' print --out '$work/none' 2>'$work/err'; test \$? -eq 2 && cat '$work/err' &&
  grep -q -- '--db is required' '$work/err'"
check "an --out that is a file is an error naming it" bash -c "
  touch '$work/afile' && ! '$popreg' print --db '$db' --out '$work/afile' 2>'$work/err' &&
  cat '$work/err' && grep -q '$work/afile' '$work/err'"
other=$(awk -F, '$3 == "township" {t = $1} END {print t}' "$work/areas.csv")
check "staff of another township may not print a community (the message names them)" bash -c "
  '$popreg' user add --db '$db' --user admin --login staff --role community --area $other \
    --password-file '$work/password' >/dev/null &&
  ! POPREG_USER=staff '$popreg' print --db '$db' --community $township --out '$work/none' \
    2>'$work/err' && cat '$work/err' && grep -q staff '$work/err'"

# Pictures: the cover, a catalogue page, a card page (one with a deceased or moved-out person
# when there is one) and a label page of the first book of the largest community.
largest=$(awk -F, 'NR > 1 {n[$2]++} END {for (c in n) if (n[c] > m) {m = n[c]; b = c};
  print b}' "$work/register.csv")
book=$work/books/$largest-001.pdf
read -r cover catalogue card label < <(python3 "$checker" screens "$book")
mkdir -p "$project/out/screens"
shots() {
  local kind page
  for kind in cover catalogue card label; do
    page=${!kind}
    pdftoppm -r 60 -png -singlefile -f "$page" -l "$page" "$book" "$work/print-$kind" || return 1
    cp "$work/print-$kind.png" "$project/out/screens/print-$kind.png" || return 1
  done
}
check "pictures of a cover, a catalogue, a card and a label page (out/screens/print-*.png)" shots

summary cli_print
