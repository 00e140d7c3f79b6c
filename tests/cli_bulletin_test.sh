#!/usr/bin/env bash
# End-to-end: the two-weekly supervision bulletin (issue 13) through the real binary, with the
# store's clock set by POPREG_NOW so that each step happens on a known day. A district is
# imported in July (the July files late, August's never), compared, a campaign started on
# 2026-07-01; the staff of one township verify their items and the reviewer approves and applies
# them in August; the bulletin of 2026-09-10 is then read back with poppler: its title block,
# issue number, the ranking (that township's communities first, the others named as slow, in the
# order the progress report gives), the statistics totals (as `popreg stats` gives them), the
# hand-over gaps, the signature and the page numbers. A PNG of each page is kept.
# usage: cli_bulletin_test.sh POPREG [SCREENS_DIR]
set -uo pipefail
popreg=$1
screens=${2:-}
work=$(mktemp -d)
trap '[ -n "${KEEP:-}" ] || rm -rf "$work"' EXIT
# shellcheck source=tests/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
oracle=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/review_oracle.py
db=$work/store.db
at() { # at INSTANT COMMAND...: runs COMMAND with the store's clock at INSTANT
  local now=$1
  shift
  POPREG_NOW=$now "$@"
}

"$popreg" gen --out "$work/d" --households 600 --seed 7 --as-of 2026-07-31 \
  --since 2025-08-01 >/dev/null
at 2026-07-01T08:00:00Z new_store "$popreg" "$db"
for kind in areas register police_population police_births vaccinations cremations \
  death_certificates manual_report; do
  at 2026-08-05T09:00:00Z "$popreg" import --db "$db" --kind $kind --month 2026-07 \
    "$work/d/$kind.csv" >/dev/null 2>&1
done
"$popreg" export --db "$db" --kind areas --out "$work/areas.csv" >/dev/null
python3 "$oracle" townships "$work/areas.csv" >"$work/townships"
township=$(head -1 "$work/townships")
prefix=${township:0:9} # the code prefix of its communities (12-digit codes: 9 for a township)
check "a campaign started on 2026-07-01, a reviewer, staff of township $township" bash -c "
  POPREG_NOW=2026-07-01T08:00:00Z '$popreg' campaign add --db '$db' --user admin \
    --name 2026年户卡整理 --start 2026-07-01 &&
  POPREG_NOW=2026-07-01T08:00:00Z '$popreg' user add --db '$db' --user admin --login reviewer \
    --role reviewer --all-areas --name reviewer --password-file '$work/password' &&
  POPREG_NOW=2026-07-01T08:00:00Z '$popreg' user add --db '$db' --user admin \
    --login staff --role community --area $township --name staff --password-file '$work/password'"
check "compared on 2026-08-10" \
  at 2026-08-10T09:00:00Z "$popreg" compare --db "$db" --as-of 2026-07-31 --since 2025-08-01
# types STATUS: the types of the township's items in that state.
types() {
  "$popreg" discrepancies --db "$db" --community "$prefix" --status "$1" --format csv \
    --out "$work/items.csv" >/dev/null &&
    python3 -c 'import csv,sys; print(" ".join(sorted({r["type"] for r in csv.DictReader(open(sys.argv[1]))})))' \
      "$work/items.csv"
}
verify_approve_apply() {
  local t
  for t in $(types open); do
    at 2026-08-20T09:00:00Z "$popreg" review --db "$db" --user staff --type "$t" \
      --community "$prefix" --action verify >/dev/null || return 1
  done
  for t in $(types verified); do
    at 2026-08-25T09:00:00Z "$popreg" review --db "$db" --user reviewer --type "$t" \
      --community "$prefix" --action approve >/dev/null || return 1
  done
  at 2026-08-26T09:00:00Z "$popreg" apply --db "$db" --user reviewer --all-approved
}
check "the township's staff verify, the reviewer approves and applies" verify_approve_apply

# The reports the bulletin brings together, written separately for the checks.
at 2026-09-10T09:00:00Z "$popreg" progress --db "$db" --as-of 2026-09-10 \
  --out "$work/progress.csv" >/dev/null
at 2026-09-10T09:00:00Z "$popreg" stats --db "$db" --as-of 2026-07-31 --level district \
  --format csv --out "$work/stats.csv" >/dev/null
check "popreg bulletin writes the PDF" \
  at 2026-09-10T09:00:00Z "$popreg" bulletin --db "$db" --as-of 2026-09-10 \
  --out "$work/bulletin.pdf"
pdftotext -layout "$work/bulletin.pdf" "$work/bulletin.txt"
pdftotext -raw "$work/bulletin.pdf" "$work/raw.txt"

check "the title block: office, title, issue 6 (two weeks each since 2026-07-01), date" \
  python3 - "$work/raw.txt" <<'PY'
import sys
t = open(sys.argv[1]).read()
for s in ["人口和计划生育办公室", "2026年户卡整理督查通报", "第 6 期", "2026年9月10日", "组织实施",
          "签发", "（盖章）"]:
    assert s in t, s
PY
check "page numbers on every page, fonts embedded" python3 - "$work/bulletin.pdf" <<'PY'
import re, subprocess, sys
pdf = sys.argv[1]
pages = int(re.search(r"Pages:\s+(\d+)", subprocess.check_output(["pdfinfo", pdf], text=True)).group(1))
assert pages >= 3, pages
for p in range(1, pages + 1):
    t = subprocess.check_output(["pdftotext", "-f", str(p), "-l", str(p), "-raw", pdf, "-"], text=True)
    assert f"第 {p} 页 共 {pages} 页" in t, (p, t[-200:])
fonts = subprocess.check_output(["pdffonts", pdf], text=True).splitlines()[2:]
assert fonts and all(" yes " in f for f in fonts), fonts
PY
check "the ranking is the progress report's entry completion, best first; the slow are named" \
  python3 - "$work/progress.csv" "$work/raw.txt" "$township" <<'PY'
import csv, sys
rows = [r for r in csv.DictReader(open(sys.argv[1])) if r["phase"] == "entry" and r["community_code"]]
text = open(sys.argv[2]).read()
township = sys.argv[3]
done = {r["community_name"]: float(r["done_pct"]) for r in rows}
ours = [n for n, r in ((r["community_name"], r) for r in rows) if r["township_code"] == township]
others = [r["community_name"] for r in rows if r["township_code"] != township]
assert ours and others
assert min(done[n] for n in ours) > max(done[n] for n in others), done
ranking = text[text.index("二、各社区完成情况排名"):text.index("三、进度图")]
pos = {n: ranking.find(n) for n in done}
assert all(p >= 0 for p in pos.values()), pos
order = sorted(done, key=lambda n: pos[n])
assert [done[n] for n in order] == sorted(done.values(), reverse=True), order
named = ranking[ranking.index("进度落后"):]
for n in others:  # far behind, and overdue on the reporting deadline
    assert n in named, n
for n in ours:
    assert n not in named, n
PY
check "the statistics totals are those of popreg stats" \
  python3 - "$work/stats.csv" "$work/bulletin.txt" <<'PY'
import csv, re, sys
rows = list(csv.DictReader(open(sys.argv[1])))
total = rows[-1]
text = open(sys.argv[2]).read()
line = next(l for l in text.splitlines() if l.strip().startswith("户卡登记"))
nums = re.findall(r"-?\d+", line)
keys = [k for k in total if k.startswith("register_") or k.startswith("reg_")]
assert keys, list(total)
want = [total[k] for k in keys[:3]]
assert nums[:3] == want, (nums, want, keys)
PY
check "the hand-over: July's files late, August's missing" python3 - "$work/raw.txt" <<'PY'
import sys
t = open(sys.argv[1]).read()
sec = t[t.index("五、部门月度交接"):]
for dept in ["公安户籍", "公安出生登记", "预防接种", "火化登记", "死亡医学证明", "手工统计报表"]:
    assert dept in sec, dept
assert "2026-07" in sec and "逾期" in sec, sec[:400]
assert "2026-08" in sec and "缺报" in sec, sec[:400]
PY
# A police file of one community (handed over on time for August) counts for the hand-over but
# is not the department's list: a comparison still reads the district's file, and says so.
python3 - "$work/d/police_population.csv" "$work/one.csv" "${prefix}001" <<'PY'
import csv, sys
data = open(sys.argv[1], "rb").read()
try:
    text = data.decode("utf-8-sig")
except UnicodeDecodeError:  # departments hand over GB18030 too
    text = data.decode("gb18030")
rows = list(csv.reader(text.splitlines()))
col = rows[0].index("community_code") if "community_code" in rows[0] else rows[0].index("社区代码")
with open(sys.argv[2], "w", newline="", encoding="utf-8") as f:
    csv.writer(f).writerows([rows[0]] + [r for r in rows[1:] if r[col] == sys.argv[3]])
PY
check "a community's own file: on time in the hand-over, not compared as the whole list" bash -c "
  POPREG_NOW=2026-09-02T09:00:00Z '$popreg' import --db '$db' --kind police_population \
    --community ${prefix}001 --month 2026-08 '$work/one.csv' >/dev/null &&
  POPREG_NOW=2026-09-10T09:00:00Z '$popreg' intake --db '$db' --month 2026-08 --as-of 2026-09-10 \
    --out '$work/intake.csv' >/dev/null &&
  grep -q '^received,police_population,.*,${prefix}001,' '$work/intake.csv' &&
  POPREG_NOW=2026-09-11T09:00:00Z '$popreg' compare --db '$db' --as-of 2026-07-31 \
    --since 2025-08-01 >'$work/compare2.txt' 2>&1 &&
  grep -q 'holds community ${prefix}001 only' '$work/compare2.txt' &&
  ! grep -q 'missing_in_register *[0-9]\{4\}' '$work/compare2.txt'"
check "errors: no campaign, a bad date, not a .pdf" bash -c "
  '$popreg' init --db '$work/empty.db' --admin a --admin-password-file '$work/password' >/dev/null
  '$popreg' user add --db '$work/empty.db' --user a --login v --role viewer --all-areas \
    --password-file '$work/password' >/dev/null
  ! '$popreg' bulletin --db '$work/empty.db' --user v --out '$work/x.pdf' 2>'$work/e1' &&
  grep -q 'campaign' '$work/e1' &&
  ! '$popreg' bulletin --db '$db' --as-of 2026-13-01 --out '$work/x.pdf' 2>'$work/e2' &&
  grep -q -- '--as-of' '$work/e2' &&
  ! '$popreg' bulletin --db '$db' --out '$work/x.xlsx' 2>'$work/e3' && grep -q 'PDF' '$work/e3' &&
  ! '$popreg' bulletin --db '$db' --as-of 2026-06-01 --out '$work/x.pdf' 2>'$work/e4' &&
  grep -q 'starts on' '$work/e4' && [ ! -e '$work/x.pdf' ]"
if [ -n "$screens" ]; then
  mkdir -p "$screens"
  pdftoppm -r 70 -png "$work/bulletin.pdf" "$screens/bulletin"
  echo "      pages as PNG: $screens/bulletin-*.png"
fi
echo "      work: $work"
summary cli_bulletin
