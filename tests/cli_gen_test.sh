#!/usr/bin/env bash
# End-to-end: `popreg --help/--version` and `popreg gen` through the real binary, truth.csv
# turned into a discrepancy file that the city's checker (shared/tools/check-discrepancies)
# accepts and scores perfectly, which proves every key is in the spec's form, and population.csv
# (the register as it should be) checked against the register, the police list and the truth.
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
  death_certificates.csv manual_report.csv truth.csv identities.csv population.csv"
check "gen is deterministic" bash -c "'$popreg' gen --out '$work/b' --households 800 --seed 3 \
  >/dev/null && diff -r '$work/a' '$work/b'"

check "gen --districts writes a city, naming its districts" bash -c "'$popreg' gen \
  --out '$work/city' --households 900 --seed 3 --district 350102 --districts 3 \
  | grep -q '^  districts 350102 鼓楼区, 350103 台江区, 350104 仓山区$'"
for f in register police_population vaccinations; do
  check "a city's $f.csv has one header" bash -c "LC_ALL=C grep -cxF \"\$(head -1 \
    '$work/city/$f.csv')\" '$work/city/$f.csv' | grep -qx 1"
done
check "--districts 0 fails naming it" bash -c \
  "'$popreg' gen --out '$work/x' --districts 0 2>&1 | grep -q -- '--districts must be'"

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

# population.csv: one row per person the register should hold on --as-of (2026-09-30 here, the
# window from 2025-10-01).
check "gen lists population.csv" bash -c "'$popreg' gen --out '$work/c' --households 50 --seed 3 \
  | grep -q '^  population.csv '"
check "population IDs are valid GB 11643 numbers" bash -c "tail -n +2 '$work/a/population.csv' \
  | cut -d, -f8 | grep . | '$popreg' normalize --kind id_number --as-of 2026-09-30 \
  | awk -F'\t' '\$3 != 1 || \$1 != \$2 { bad++ } END { exit !(NR > 1000 && !bad) }'"
check "population agrees with the register, the police list and the truth" \
  python3 - "$work/a" 2026-09-30 2025-10-01 <<'PY'
import csv, io, sys
from collections import Counter, defaultdict
d, as_of, since = sys.argv[1:4]
fail = []
def check(ok, what):
    if not ok:
        fail.append(what)
def rows(name):  # the spec allows UTF-8 (with or without BOM) or GB18030
    raw = open(f"{d}/{name}", "rb").read()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("gb18030")
    return list(csv.reader(io.StringIO(text, newline="")))
def newborn(r):
    return since <= r["birth_date"] <= as_of

header = ("person,household,community_code,card_no,name,sex,birth_date,id_number,relation,"
          "ethnicity,status,death_date,moved_out_date,mother_id_number,mother_person").split(",")
pop = rows("population.csv")
check(pop[0] == header, f"header {pop[0]}")
pop = [dict(zip(header, r)) for r in pop[1:]]
person = {r["person"]: r for r in pop}
check(len(person) == len(pop), "a person has two rows")
ids = [r["id_number"] for r in pop if r["id_number"]]
check(len(set(ids)) == len(ids), "an ID number is on two rows")
two_years_before = str(int(as_of[:4]) - 2) + as_of[4:]
for r in pop:
    p, st, id = r["person"], r["status"], r["id_number"]
    check(st in ("alive", "deceased", "moved_out"), f"{p}: status {st}")
    check((st == "deceased") == bool(r["death_date"]), f"{p}: death date")
    check((st == "moved_out") == bool(r["moved_out_date"]), f"{p}: move date")
    check(r["sex"] in ("M", "F") and r["birth_date"] <= as_of, f"{p}: sex or birth date")
    if id:  # the ID's birth date and sex parity are the person's
        check(id[6:14] == r["birth_date"].replace("-", "") and
              "FM"[int(id[16]) % 2] == r["sex"], f"{p}: ID {id}")
    else:  # only a newborn the police have not registered has none
        check(r["birth_date"] > two_years_before, f"{p}: no ID")
    m = person.get(r["mother_person"])
    check(m is None or m["id_number"] == r["mother_id_number"], f"{p}: mother")

# identities.csv maps every register row (both rows of a person carded twice) to its person.
ident = defaultdict(list)
for kind, _, p in rows("identities.csv")[1:]:
    ident[kind].append(p)
reg = rows("register.csv")
check(len(ident["register"]) == len(reg) - 1, "identities.csv misses register rows")
col = {n: i for i, n in enumerate(reg[0])}
def at(r, en, zh):
    return r[col[en] if en in col else col[zh]]
statuses = {"": "alive", "alive": "alive", "在册": "alive", "deceased": "deceased",
            "死亡": "deceased", "moved_out": "moved_out", "迁出": "moved_out"}
person_of_key, recorded_gone = {}, set()
for r, p in zip(reg[1:], ident["register"]):
    key = at(r, "card_no", "户卡编号") + "/" + at(r, "person_no", "人员序号")
    person_of_key[key] = p
    st = statuses[at(r, "status", "人员状态")]
    check(p in person, f"register {key}: person {p} is not in population.csv")
    if st != "alive":  # what the office recorded of a death or a move is true
        recorded_gone.add(p)
        check(person.get(p, {}).get("status") == st, f"register {key}: status")
carded = set(person_of_key.values())
police = set(ident["police_population"])
check(len(police) == len(ident["police_population"]), "a person twice on the police list")
for p in police:
    check(person.get(p, {}).get("status") == "alive", f"police person {p} is not alive")

truth = defaultdict(list)
for t in rows("truth.csv")[1:]:
    truth[t[0]].append(t)
for t in truth["duplicate_in_register"]:
    check(person_of_key[t[1]] == person_of_key[t[2]], f"duplicate {t[1]} {t[2]}: two persons")
absent = {person_of_key[t[1]] for t in truth["absent_from_source"]}
for t in truth["unrecorded_death"]:
    check(person.get(person_of_key[t[1]], {}).get("status") == "deceased", f"{t[1]}: not deceased")
# The living are the police list, the absent who still live here, and newborns (rule 6, or not
# carded); the register's living who are gone are absent or unrecorded deaths.
alive = [r for r in pop if r["status"] == "alive"]
off_police = [r for r in alive if r["person"] not in police and not newborn(r)]
for r in off_police:
    check(r["person"] in absent, f"{r['person']} lives here off the police list, not absent")
newborns_off_police = sum(r["person"] not in police and newborn(r) for r in alive)
check(len(alive) == len(police) + len(off_police) + newborns_off_police, "alive count")
check(len(off_police) == sum(person.get(p, {}).get("status") == "alive" for p in absent),
      "an absent_from_source is of a person on the police list")
dead = {person_of_key[t[1]] for t in truth["unrecorded_death"]}
for r in pop:
    p = r["person"]
    if r["status"] != "alive" and p in carded and p not in recorded_gone:
        check(p in absent or p in dead, f"{p} is gone, the register says alive, no truth item")
# Everyone the office never carded is a missing_in_register or an unrecorded_birth; the other
# unrecorded births are children of mothers from outside the district.
missing = Counter(t[1] for t in truth["missing_in_register"])
births = Counter(t[1] for t in truth["unrecorded_birth"])
uncarded = [r for r in pop if r["person"] not in carded]
uncarded_births = Counter(f"{r['mother_id_number']}|{r['birth_date']}|{r['sex']}"
                          for r in uncarded if newborn(r))
check(all(r["status"] == "alive" for r in uncarded), "an uncarded person is not alive")
check(Counter(r["id_number"] for r in uncarded if not newborn(r)) == missing,
      "the uncarded are not the missing_in_register")
for key in births.keys() | uncarded_births.keys():
    n = uncarded_births[key]
    check(n == births[key] or (n == 0 and key[:18] not in ids),
          f"unrecorded birth {key}: {n} in population.csv, {births[key]} in truth.csv")
check(sum(uncarded_births.values()) > 0 and missing, "no uncarded person")
print(f"{len(pop)} persons, {len(alive)} alive, {len(police)} on the police list, "
      f"{len(off_police)} absent, {newborns_off_police} newborns off it, "
      f"{len(uncarded)} uncarded; {len(fail)} failures")
for f in fail[:20]:
    print("FAIL", f)
sys.exit(1 if fail else 0)
PY

summary cli_gen
