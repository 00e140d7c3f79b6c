"""Adds to a district made by `popreg gen` the hard cases of three classes of link the comparison
once got wrong (issue 11), with their truth, so that an end-to-end test can check each class:

0. the register has no building, unit and room columns (as some offices keep it): its dwellings
   are only what the address parser reads; the death lists have no birth dates at all;
1. strong evidence: a register person whose valid 18-digit ID equals the police person's, but
   whose name has a homophone typo and whose birth date is one digit off, and whose police
   address no parser reads (so the dwelling says nothing): two field_mismatch items, no absence;
2. sparse deaths: cremation records with only the register's name, sex and home address (no ID,
   no birth date), two of persons with a 15-digit legacy ID, half dying before --since: each an
   unrecorded_death;
3. siblings: a vaccination record of a child born in the window (nickname only, the mother's ID)
   whose birth date is one digit from an older sibling's: an unrecorded_birth, not a link.

usage: hard_cases.py DISTRICT OUT AS_OF SINCE
Writes the district with the cases to OUT (truth.csv extended) and OUT/injected.csv: the truth
rows added, which the comparison must all report.
"""
import csv
import datetime
import re
import shutil
import sys

src, out = sys.argv[1], sys.argv[2]
as_of = datetime.date.fromisoformat(sys.argv[3])
since = datetime.date.fromisoformat(sys.argv[4])
shutil.rmtree(out, ignore_errors=True)
shutil.copytree(src, out)

# The Chinese headers `popreg gen` may write, by the column they stand for.
ALIASES = {"户卡编号": "card_no", "人员序号": "person_no", "姓名": "name", "性别": "sex",
           "出生日期": "birth_date", "公民身份号码": "id_number", "身份证号": "id_number",
           "人员状态": "status", "地址": "address", "住址": "address",
           "母亲身份号码": "mother_id_number", "死亡日期": "death_date",
           "儿童姓名": "child_name"}


def read(name):
    raw = open(f"{out}/{name}", "rb").read()
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    rows = list(csv.reader(text.splitlines()))
    return rows[0], rows[1:]


def write(name, header, rows):
    with open(f"{out}/{name}", "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(header)
        w.writerows(rows)


def column(header, name):
    for i, h in enumerate(header):
        if h.strip().lower() == name or ALIASES.get(h.strip()) == name:
            return i
    raise SystemExit(f"hard_cases.py: no column {name} in {header}")


def parse_date(text):
    m = re.match(r"(\d{4})\D?(\d{1,2})\D?(\d{1,2})", text.strip())
    if not m:
        return None
    try:
        return datetime.date(int(m[1]), int(m[2]), int(m[3]))
    except ValueError:
        return None


def sex_code(text):
    t = text.strip().lower()
    return "M" if t in ("男", "m", "male", "1") else "F" if t in ("女", "f", "female", "2") else ""


truth_header, truth = read("truth.csv")
touched = {t[1] for t in truth} | {t[2] for t in truth}
reg_header, register = read("register.csv")
dropped = [i for i, h in enumerate(reg_header) if h in ("楼号", "单元", "房号", "building", "unit",
                                                          "room")]
reg_header = [h for i, h in enumerate(reg_header) if i not in dropped]
register = [[c for i, c in enumerate(r) if i not in dropped] for r in register]
R = {k: column(reg_header, k) for k in ("card_no", "person_no", "name", "sex", "birth_date",
                                         "id_number", "status", "address", "mother_id_number")}
pol_header, police = read("police_population.csv")
police_by_id = {r[column(pol_header, "id_number")].strip(): r for r in police}
added = []


def key(r):
    return r[R["card_no"]] + "/" + r[R["person_no"]]


def alive(r):
    return r[R["status"]].strip() in ("", "alive", "在册")


# 1. An exact valid ID with two mistyped fields and a police address that says nothing.
done = 0
for r in register:
    k, idn, name = key(r), r[R["id_number"]].strip(), r[R["name"]].strip()
    born = parse_date(r[R["birth_date"]])
    if (done == 3 or k in touched or not alive(r) or len(idn) != 18 or idn not in police_by_id
            or not born or len(name) < 2 or not 10 <= born.day <= 27):
        continue
    r[R["name"]] = name[:-1] + ("玲" if name[-1] != "玲" else "琳")
    r[R["birth_date"]] = born.replace(day=born.day + 1 if born.day % 10 != 9 else born.day - 1)\
        .isoformat()
    police_by_id[idn][column(pol_header, "address")] = "见户口簿"
    added += [["field_mismatch", k, "", "name"], ["field_mismatch", k, "", "birth_date"]]
    touched.add(k)
    done += 1

# 2. Cremation records with only a name, a sex and the home address.
cre_header, cremations = read("cremations.csv")
C = {k: column(cre_header, k) for k in ("name", "sex", "death_date", "address")}
done = 0
for r in register:
    k, idn = key(r), r[R["id_number"]].strip()
    if done == 4 or k in touched or not alive(r) or not r[R["address"]].strip():
        continue
    if done < 2 and len(idn) != 15:
        continue
    row = [""] * len(cre_header)
    row[C["name"]], row[C["sex"]] = r[R["name"]].strip(), r[R["sex"]]
    row[C["address"]] = r[R["address"]]
    # Half of them die before --since: unrecorded_death has no lower date bound.
    died = since - datetime.timedelta(days=120) if done % 2 == 0 else since + datetime.timedelta(
        days=150)
    row[C["death_date"]] = died.isoformat()
    cremations.append(row)
    added.append(["unrecorded_death", k, "", ""])
    touched.add(k)
    done += 1

# 3. A newborn one digit of the birth date from an older sibling, of a mother with no other
# child in the window in any source.
vac_header, vaccinations = read("vaccinations.csv")
V = {k: column(vac_header, k) for k in ("birth_date", "sex", "mother_id_number", "child_name",
                                         "address")}
births_header, police_births = read("police_births.csv")
mothers_in_window = {t[1][:18] for t in truth if t[0] == "unrecorded_birth"}
mothers_in_window |= {v[V["mother_id_number"]].strip() for v in vaccinations}
mothers_in_window |= {b[column(births_header, "mother_id_number")].strip() for b in police_births}
for p in police:
    born = parse_date(p[column(pol_header, "birth_date")])
    if born and born >= since:
        mothers_in_window.add(p[column(pol_header, "mother_id_number")].strip())
done = 0
for r in register:
    mother = r[R["mother_id_number"]].strip().upper()
    born = parse_date(r[R["birth_date"]])
    if (done == 3 or len(mother) != 18 or mother in mothers_in_window or not born
            or born.year < 2010):
        continue
    text, newborn = born.isoformat(), None
    for position in (2, 3):  # one digit of the year
        for digit in "0123456789":
            d = parse_date(text[:position] + digit + text[position + 1:])
            if d and d != born and since <= d <= as_of:
                newborn = d
    if not newborn:
        continue
    row = [""] * len(vac_header)
    sex = sex_code(r[R["sex"]])
    row[V["birth_date"]], row[V["sex"]] = newborn.isoformat(), sex
    row[V["mother_id_number"]], row[V["child_name"]] = mother, "宝宝"
    row[V["address"]] = r[R["address"]]
    vaccinations.append(row)
    mothers_in_window.add(mother)
    added.append(["unrecorded_birth", f"{mother}|{newborn.isoformat()}|{sex}", "", ""])
    done += 1



def without_birth_dates(header, rows):
    kept = [i for i, h in enumerate(header) if h not in ("出生日期", "birth_date")]
    return [header[i] for i in kept], [[r[i] for i in kept] for r in rows]


# The death lists without their birth date columns.
cre_header, cremations = without_birth_dates(cre_header, cremations)
write("death_certificates.csv", *without_birth_dates(*read("death_certificates.csv")))

counts = {t: sum(a[0] == t for a in added) for t in ("field_mismatch", "unrecorded_death",
                                                      "unrecorded_birth")}
if counts != {"field_mismatch": 6, "unrecorded_death": 4, "unrecorded_birth": 3}:
    raise SystemExit(f"hard_cases.py: the district has too few candidates: {counts}")
write("register.csv", reg_header, register)
write("police_population.csv", pol_header, police)
write("cremations.csv", cre_header, cremations)
write("vaccinations.csv", vac_header, vaccinations)
write("truth.csv", truth_header, truth + added)
write("injected.csv", truth_header, added)
