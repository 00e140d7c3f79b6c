#!/usr/bin/env python3
"""The ground truth of tests/cli_review_test.sh: what community staff who checked every
discrepancy item on the ground would verify, and the checks of what popreg did with it.

The generator knows the truth (docs/synthetic-district.md section 3): identities.csv says which
true person each data row describes, population.csv is the register as it should be. The
oracle drives the real binary (every review, apply, undo and history goes through it) and
checks what it wrote through its exports and JSON output. Python 3 standard library only.

usage: review_oracle.py COMMAND POPREG DB DISTRICT_DIR WORK_DIR [ARGS]
  townships                the township codes of the store's areas, one a line
  verify                   staff verify or dispute every open item (per item where a value
                           is corrected or the item disputed, else in bulk per type and
                           community); the plan goes to WORK/plan.json
  decide                   the reviewer approves what was verified (bulk), rejects the rest
  apply                    the reviewer applies every approved item: refused are only those
                           whose value no one has (the truth has none either)
  second                   after the second comparison: no applied item came back open
  register                 the register equals population.csv (persons, values, cards)
  history                  every applied item has its history rows
  undo COPY_DB             undo one applied item of each type on COPY_DB, check the values
                           before it came back, apply it again, check the values after
Every command prints what it found and exits 1 when a check fails.
"""
import collections
import csv
import io
import json
import os
import random
import subprocess
import sys
import unicodedata

PERSON_FIELDS = ("name", "sex", "birth_date", "id_number")
# Types in the order the report lists them.
TYPES = ("missing_in_register", "absent_from_source", "field_mismatch", "unrecorded_birth",
         "unrecorded_death", "duplicate_in_register", "invalid_id_number", "incomplete_record")
REVIEWER = "reviewer"
# The reason of an incomplete record whose missing value no one has, not even the truth.
NO_VALUE = "no value exists: stays on the incomplete-information list"


def staff_login(township):
    return "staff_" + township


# ---------------------------------------------------------------------------------------------
# Files.

def read_text(path):
    """A CSV file as text: UTF-8 (with or without BOM), else GB18030 (the spec's encodings)."""
    data = open(path, "rb").read()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("gb18030")


def header_key(h):
    # The spec: exact match after trimming spaces, full-width to half-width, case-insensitive.
    return unicodedata.normalize("NFKC", h).strip().lower()


def read_rows(path, aliases=None):
    """The data rows of a CSV file as dicts keyed by the spec's English column names (Chinese
    aliases mapped through `aliases`), values NFKC-normalised and trimmed."""
    aliases = {header_key(k): v for k, v in (aliases or {}).items()}
    reader = csv.reader(io.StringIO(read_text(path), newline=""))
    header = [header_key(h) for h in next(reader)]
    header = [aliases.get(h, h) for h in header]
    return [{h: unicodedata.normalize("NFKC", v).strip() for h, v in zip(header, rec)}
            for rec in reader]


def read_plain(path):
    """A CSV that popreg or the generator wrote (UTF-8, English header)."""
    with open(path, encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def normalize_id(v):
    """An ID number as the spec compares it: 18 characters, upper-case X; 15-digit legacy
    numbers converted; spaces and dashes dropped."""
    v = unicodedata.normalize("NFKC", v or "").replace(" ", "").replace("-", "").upper()
    if len(v) == 15 and v.isdigit():
        body = v[:6] + "19" + v[6:]
        weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
        s = sum(int(c) * w for c, w in zip(body, weights))
        v = body + "10X98765432"[s % 11]
    return v


class Popreg:
    """The binary, each call checked; the calls counted (each costs ~0.3 s under ASan)."""

    def __init__(self, binary, db):
        self.binary, self.db, self.calls = binary, db, 0

    def run(self, *args, check=True, db=None):
        self.calls += 1
        p = subprocess.run([self.binary, *args, "--db", db or self.db], capture_output=True,
                           text=True)
        if check and p.returncode != 0:
            raise RuntimeError("popreg %s failed (%d): %s" % (" ".join(args), p.returncode,
                                                                p.stderr.strip()[-2000:]))
        return p

    def items(self, path, db=None):
        self.run("discrepancies", "--format", "json", "--out", path, db=db)
        return json.load(open(path, encoding="utf-8"))

    def export(self, kind, path, db=None):
        self.run("export", "--kind", kind, "--out", path, db=db)
        return read_plain(path)


class Truth:
    """What the generator knows: population.csv, identities.csv, and which register key is
    which register.csv row."""

    def __init__(self, district):
        self.pop = {r["person"]: r for r in read_plain(os.path.join(district, "population.csv"))}
        self.ident = {}
        self.rows_of = collections.defaultdict(list)  # (kind, person) -> rows
        for r in read_plain(os.path.join(district, "identities.csv")):
            self.ident[(r["kind"], int(r["row"]))] = r["person"]
            self.rows_of[(r["kind"], r["person"])].append(int(r["row"]))
        # register.csv: headers may be Chinese aliases, columns shuffled, encodings vary.
        reg = read_rows(os.path.join(district, "register.csv"),
                        {"户卡编号": "card_no", "人员序号": "person_no"})
        self.person_of_key = {}
        for i, r in enumerate(reg, start=1):
            key = "%s/%d" % (r["card_no"], int(r["person_no"]))
            self.person_of_key[key] = self.ident.get(("register", i))

    def person(self, kind, row):
        return self.ident.get((kind, row)) if row else None


def load_areas(path):
    areas = read_plain(path)
    township_of = {}
    for a in areas:
        if a["level"] == "community":
            township_of[a["code"]] = a["parent_code"]
    return [a["code"] for a in areas if a["level"] == "township"], township_of


# ---------------------------------------------------------------------------------------------
# Step 1: what staff verify.

class Decider:
    def __init__(self, truth, police, sources, register):
        self.t = truth
        self.police = police      # the store's police_population export, in source-row order
        self.sources = sources    # kind -> export rows (source-row order)
        self.register = register  # key -> the store's register person before anything applied
        self.birth_persons = set()

    def true_person(self, key):
        return self.t.person_of_key.get(key)

    def police_row_of(self, person):
        rows = self.t.rows_of.get(("police_population", person), [])
        return self.police[rows[0] - 1] if rows else None

    def decide(self, it):
        """(action, sets, person, why, refusal): action verify or dispute; sets the --set
        values; refusal the words apply must refuse the item with, when it must."""
        r = getattr(self, "d_" + it["type"])(it)
        return r if len(r) == 5 else r + ("",)

    def _pop_of_key(self, it, key="register_key"):
        person = self.true_person(it[key])
        return person, self.t.pop.get(person) if person is not None else None

    def d_field_mismatch(self, it):
        person, p = self._pop_of_key(it)
        if p is None:
            return "dispute", {}, person, "the register person is no one of the district"
        field = it["field"]
        truth = p[field]
        if truth == it["register_value"]:
            return "dispute", {}, person, "the register's %s is right" % field
        if truth and truth != it["source_value"]:
            return "verify", {field: truth}, person, "the police %s is wrong too" % field
        return "verify", {}, person, ""

    def d_invalid_id_number(self, it):
        person, p = self._pop_of_key(it)
        if p is None:
            return "dispute", {}, person, "the register person is no one of the district"
        # By default the police list's number of the person (docs: "else the police list's").
        police = self.police_row_of(person)
        default = normalize_id(police["id_number"]) if police else ""
        if p["id_number"] and p["id_number"] != default:
            return "verify", {"id_number": p["id_number"]}, person, "no police number or wrong"
        return "verify", {}, person, ""

    def d_incomplete_record(self, it):
        person, p = self._pop_of_key(it)
        if p is None:
            return "dispute", {}, person, "the register person is no one of the district"
        now = self.register.get(it["register_key"], {})
        src = self.police[it["source_row"] - 1] if it["source_kind"] == "police_population" \
            and it["source_row"] else None
        sets = {}
        filled = False
        for field in PERSON_FIELDS:
            if now.get(field):
                continue  # not missing
            default = (src or {}).get(field, "")
            if field == "id_number":
                default = normalize_id(default)
            if p[field] and p[field] != default:
                sets[field] = p[field]
            filled = filled or bool(p[field])
        if not filled:
            # The truth has no value either (a child of one or more the police have not
            # registered): the item is real; applying changes nothing and the person stays on
            # the incomplete-information list (apply.h).
            return "verify", sets, person, NO_VALUE, ""
        return "verify", sets, person, ""

    def d_unrecorded_death(self, it):
        person, p = self._pop_of_key(it)
        if p is None or p["status"] != "deceased":
            return "dispute", {}, person, "the person is alive"
        rows = self.sources.get(it["source_kind"] or "", [])
        src = rows[it["source_row"] - 1] if it["source_row"] else {}
        if p["death_date"] != src.get("death_date"):
            return "verify", {"death_date": p["death_date"]}, person, "another death date"
        return "verify", {}, person, ""

    def d_absent_from_source(self, it):
        person, p = self._pop_of_key(it)
        if p is None:
            return "dispute", {}, person, "the register person is no one of the district"
        if p["status"] == "moved_out":
            return "verify", {"outcome": "moved_out", "date": p["moved_out_date"]}, person, ""
        if p["status"] == "deceased":
            return "verify", {"outcome": "deceased", "death_date": p["death_date"]}, person, ""
        return "verify", {"outcome": "present"}, person, ""

    def d_missing_in_register(self, it):
        person = self.t.person(it["source_kind"], it["source_row"])
        p = self.t.pop.get(person)
        if p is None:
            return "dispute", {}, person, "no one of the district"
        src = self.police[it["source_row"] - 1]
        if normalize_id(src["id_number"]) != it["source_id_number"]:
            raise RuntimeError("item %d: the police export's row %d has ID %s, the item %s: is "
                               "the export in source-row order?" % (
                                   it["id"], it["source_row"], src["id_number"],
                                   it["source_id_number"]))
        sets = {}
        for field in PERSON_FIELDS:
            default = normalize_id(src[field]) if field == "id_number" else src[field]
            if p[field] and p[field] != default:
                sets[field] = p[field]
        return "verify", sets, person, ""

    def d_duplicate_in_register(self, it):
        a, b = self.true_person(it["register_key"]), self.true_person(it["register_key_2"])
        if a is None or a != b or a not in self.t.pop:
            return "dispute", {}, a, "two different people"
        return "verify", {}, a, ""

    def d_unrecorded_birth(self, it):
        # The child: the evidence rows' person (twins share a key: each item its own child).
        cands = []
        for ev in it.get("evidence") or []:
            person = self.t.person(ev["kind"], ev["row"])
            if person is not None and person not in cands:
                cands.append(person)
        person = self.t.person(it["source_kind"], it["source_row"])
        if person is not None and person not in cands:
            cands.insert(0, person)
        free = [c for c in cands if c not in self.birth_persons]
        if not free:
            mother, birth, sex = it["birth_key"].split("|")
            free = [k for k, p in self.t.pop.items()
                    if (p["mother_id_number"], p["birth_date"], p["sex"]) == (mother, birth, sex)
                    and k not in self.birth_persons and not self.t.rows_of.get(("register", k))]
        person = free[0] if free else (cands[0] if cands else None)
        p = self.t.pop.get(person)
        if p is None:
            return "dispute", {}, person, "the mother does not live in the district"
        self.birth_persons.add(person)
        action = it.get("action") or {}
        sets = {}
        if p["name"] and p["name"] != action.get("name", ""):
            sets["name"] = p["name"]
        if p["id_number"] and p["id_number"] != normalize_id(action.get("child_id", "")):
            sets["id_number"] = p["id_number"]
        return "verify", sets, person, ""


def cmd_verify(pr, args, district, work):
    truth = Truth(district)
    _, township_of = load_areas(os.path.join(work, "areas.csv"))
    items = pr.items(os.path.join(work, "items1.json"))
    police = pr.export("police_population", os.path.join(work, "police.csv"))
    sources = {k: pr.export(k, os.path.join(work, k + ".csv"))
               for k in ("police_births", "vaccinations", "cremations", "death_certificates")}
    register = {"%s/%s" % (r["card_no"], r["person_no"]): r
                for r in pr.export("register", os.path.join(work, "register0.csv"))}
    d = Decider(truth, police, sources, register)
    plan = []
    failures = []
    for it in sorted(items, key=lambda x: x["id"]):
        if it["status"] != "open":
            failures.append("item %d is %s before anyone reviewed it" % (it["id"], it["status"]))
            continue
        action, sets, person, why, refusal = d.decide(it)
        plan.append({"id": it["id"], "type": it["type"], "community": it["community_code"],
                     "register_key": it["register_key"], "register_key_2": it["register_key_2"],
                     "birth_key": it["birth_key"], "field": it["field"],
                     "action": action, "set": sets,
                     "person": person, "why": why, "refusal": refusal})
    bulk = collections.Counter()
    per_item = 0
    for e in plan:
        staff = staff_login(township_of.get(e["community"], ""))
        if e["action"] == "verify" and not e["set"]:
            bulk[(e["type"], e["community"])] += 1
            continue
        cmd = ["review", "--user", staff, "--action", e["action"], "--item", str(e["id"])]
        for k, v in sorted(e["set"].items()):
            cmd += ["--set", "%s=%s" % (k, v)]
        if e["why"]:
            cmd += ["--note", e["why"]]
        per_item += 1
        p = pr.run(*cmd, check=False)
        if p.returncode != 0 or "1 items changed" not in p.stdout:
            failures.append("item %d (%s): popreg %s -> %s%s" % (
                e["id"], e["type"], " ".join(cmd), p.stdout.strip(), p.stderr.strip()))
    for (t, c), n in sorted(bulk.items()):
        staff = staff_login(township_of.get(c, ""))
        cmd = ["review", "--user", staff, "--action", "verify", "--type", t, "--community", c,
               "--note", "checked on the ground"]
        p = pr.run(*cmd, check=False)
        # The items verified one by one before are skipped ("left as they were").
        if p.returncode != 0 or not p.stdout.startswith("verify: %d items changed" % n):
            failures.append("bulk verify of %d %s items in %s: popreg %s -> %s%s" % (
                n, t, c, " ".join(cmd), p.stdout.strip(), p.stderr.strip()))
    json.dump(plan, open(os.path.join(work, "plan.json"), "w"), ensure_ascii=False, indent=1)

    # What staff decided, by type.
    print("%-24s %6s %9s %9s %9s" % ("type", "items", "as is", "--set", "disputed"))
    for t in TYPES:
        es = [e for e in plan if e["type"] == t]
        print("%-24s %6d %9d %9d %9d" % (
            t, len(es), sum(e["action"] == "verify" and not e["set"] for e in es),
            sum(e["action"] == "verify" and bool(e["set"]) for e in es),
            sum(e["action"] == "dispute" for e in es)))
    for e in plan:
        if e["action"] == "dispute":
            print("  disputed item %d (%s %s): %s" % (e["id"], e["type"],
                                                     e["register_key"] or e["birth_key"], e["why"]))
    print("%d single-item reviews, %d bulk verifications" % (per_item, len(bulk)))

    # The store agrees: every item is verified or disputed as decided.
    after = {x["id"]: x for x in pr.items(os.path.join(work, "items1v.json"))}
    for e in plan:
        want = "verified" if e["action"] == "verify" else "disputed"
        got = after.get(e["id"], {}).get("status")
        if got != want:
            failures.append("item %d (%s) is %s, not %s" % (e["id"], e["type"], got, want))
        elif e["set"]:
            vv = after[e["id"]].get("verified_values") or {}
            if isinstance(vv, str):
                vv = json.loads(vv) if vv else {}
            for k, v in e["set"].items():
                if vv.get(k) != v:
                    failures.append("item %d (%s): verified %s is %r, not %r" % (
                        e["id"], e["type"], k, vv.get(k), v))
    return failures


def cmd_decide(pr, args, district, work):
    plan = json.load(open(os.path.join(work, "plan.json")))
    failures = []
    verified = sum(e["action"] == "verify" for e in plan)
    p = pr.run("review", "--user", REVIEWER, "--action", "approve", "--community",
               district_code(plan), "--note", "as verified", check=False)
    print(p.stdout.strip())
    if p.returncode != 0 or not p.stdout.startswith("approve: %d items changed" % verified):
        failures.append("bulk approval of %d verified items: %s%s" % (verified, p.stdout,
                                                                     p.stderr))
    for e in plan:
        if e["action"] == "dispute":
            p = pr.run("review", "--user", REVIEWER, "--action", "reject", "--item",
                       str(e["id"]), "--note", "disputed: " + e["why"], check=False)
            if p.returncode != 0:
                failures.append("rejecting item %d: %s" % (e["id"], p.stderr.strip()))
    st = collections.Counter(x["status"] for x in pr.items(os.path.join(work, "items1a.json")))
    print("items by status:", dict(sorted(st.items())))
    if set(st) - {"approved", "rejected"}:
        failures.append("items neither approved nor rejected: %s" % dict(st))
    return failures


def cmd_apply(pr, args, district, work):
    """The reviewer applies every approved item: refused are exactly those the truth has no
    value for."""
    plan = json.load(open(os.path.join(work, "plan.json")))
    p = pr.run("apply", "--user", REVIEWER, "--all-approved", "--note", "issue 12 test",
               check=False)
    failures = []
    if p.returncode != 0:
        return ["apply --all-approved failed: " + p.stderr.strip()]
    print(p.stdout.splitlines()[0])
    # Every refusal, also beyond the 50 the summary lists: the items still approved.
    items = {x["id"]: x for x in pr.items(os.path.join(work, "items2a.json"))}
    lines = {}
    by_reason = collections.defaultdict(list)
    for line in p.stdout.splitlines():
        w = line.split()
        if len(w) > 2 and w[0] == "item" and w[1].isdigit():
            lines[int(w[1])] = line.strip()
            by_reason[(w[2].strip("():"), line.split("): ", 1)[-1])].append(w[1])
    # What was refused, by type and reason (the reason of the first of them).
    for (t, reason), ids in sorted(by_reason.items()):
        print("  refused %d %s items: %s (items %s)" % (len(ids), t, reason, " ".join(ids)))
    # Refusals that should not be, grouped by type, verification and reason.
    wrong = collections.defaultdict(list)
    for e in plan:
        status = items[e["id"]]["status"]
        if e["action"] == "dispute":
            continue
        if e["refusal"]:
            # (apply lists the first 50 refusals with their reasons)
            if status != "approved" or e["refusal"] not in lines.get(e["id"], e["refusal"]):
                failures.append("item %d (%s) should be refused (%s): it is %s (%s)" % (
                    e["id"], e["type"], e["refusal"], status, lines.get(e["id"], "")))
        elif status != "applied":
            reason = lines.get(e["id"], "(not listed)").split("): ", 1)[-1]
            verified = "verified with --set " + ",".join(sorted(e["set"])) if e["set"] else \
                "verified as is"
            wrong[(e["type"], verified, status, reason)].append(e["id"])
    for (t, verified, status, reason), ids in sorted(wrong.items()):
        failures.append("%d %s items %s are %s, refused with '%s' (items %s)" % (
            len(ids), t, verified, status, reason, " ".join(map(str, ids))))
    expected = sum(bool(e["refusal"]) for e in plan)
    print("refused as expected (no true value exists): %d; refused otherwise: %d" % (
        expected, sum(map(len, wrong.values()))))
    return failures


def district_code(plan):
    codes = [e["community"] for e in plan if e["community"]]
    return codes[0][:6]


# ---------------------------------------------------------------------------------------------
# Step 3: the second comparison.

def describe(x):
    return "item %d %s %s %s %s %r -> %r (%s): %s" % (
        x["id"], x["type"], x["status"], x["register_key"] or x["birth_key"] or
        x["source_id_number"], x["field"], x["register_value"], x["source_value"],
        "comparisons %s-%s" % (x["first_comparison"], x["last_comparison"]), x["proposal"])


def cmd_second(pr, args, district, work):
    before = {x["id"]: x for x in json.load(open(os.path.join(work, "items2a.json")))}
    after = {x["id"]: x for x in pr.items(os.path.join(work, "items3.json"))}
    # Resolved items are left out by default; read them too.
    pr.run("discrepancies", "--status", "resolved", "--format", "json", "--out",
           os.path.join(work, "items3r.json"))
    resolved = {x["id"]: x for x in json.load(open(os.path.join(work, "items3r.json")))}
    failures = []
    last = max(x["last_comparison"] for x in after.values())
    if last < 2:
        return ["no item was found by a second comparison (did it run?)"]
    counts = collections.Counter(x["status"] for x in after.values())
    print("after the second comparison (%d): %s, %d resolved" % (
        last, dict(sorted(counts.items())), len(resolved)))
    for i, x in before.items():
        if x["status"] != "applied":
            continue
        now = after.get(i) or resolved.get(i)
        if now is None or now["status"] != "applied":
            failures.append("applied %s is now %s" % (describe(x), now and now["status"]))
    found_again = collections.Counter(x["type"] for x in after.values()
                                      if x["status"] == "applied" and x["last_comparison"] == last)
    print("applied items the second comparison found again (kept applied):",
          dict(sorted(found_again.items())))
    # Nothing open: neither an applied item back as open nor a new item about what was applied
    # (a new item is open). Justified exceptions: none. What the comparison finds again is what
    # no apply changes: the absent persons verified present (applied), the items whose value no
    # one has (approved, refused), the disputed (rejected).
    for x in sorted(after.values(), key=lambda x: x["id"]):
        if x["status"] == "open":
            failures.append("open after the second comparison: " + describe(x))
    return failures


# ---------------------------------------------------------------------------------------------
# Step 4: the register equals population.csv.

AS_OF = "2026-09-30"  # the comparisons' reference date (cli_review_test.sh)


def match_register(truth, reg):
    """person id -> register row, and the register rows that match no one (or a person twice).
    By ID; the rest (newborns) by mother, birth date and sex, twins by name."""
    by_id = {p["id_number"]: k for k, p in truth.pop.items() if p["id_number"]}
    found, rest, stray = {}, [], []
    for r in reg:
        k = by_id.get(r["id_number"]) if r["id_number"] else None
        if k is None or k in found:
            (rest if not r["id_number"] else stray).append(r)
        else:
            found[k] = r
    by_birth = collections.defaultdict(list)
    for k, p in truth.pop.items():
        if k not in found and p["mother_id_number"]:
            by_birth[(p["mother_id_number"], p["birth_date"], p["sex"])].append(k)
    for r in rest:
        c = [x for x in by_birth.get((r["mother_id_number"], r["birth_date"], r["sex"]), [])
             if x not in found]
        c.sort(key=lambda x: truth.pop[x]["name"] != r["name"])
        if c:
            found[c[0]] = r
        else:
            stray.append(r)
    return found, stray


def one_year_after(date):
    return "%04d%s" % (int(date[:4]) + 1, date[4:])


def cmd_register(pr, args, district, work):
    truth = Truth(district)
    plan = json.load(open(os.path.join(work, "plan.json")))
    items = json.load(open(os.path.join(work, "items1.json")))
    before = {"%s/%s" % (r["card_no"], r["person_no"]): r
              for r in read_plain(os.path.join(work, "register0.csv"))}
    reg = pr.export("register", os.path.join(work, "register3.csv"))
    found, stray = match_register(truth, reg)
    failures = []
    for r in stray:
        failures.append("register person %s/%s %s %s %s %s is no one of population.csv (or "
                        "carded twice)" % (r["card_no"], r["person_no"], r["name"], r["sex"],
                                           r["birth_date"], r["id_number"]))
    # The register keys the first comparison's items name (for the gaps below).
    named = collections.defaultdict(set)
    for x in items:
        for k in (x["register_key"], x["register_key_2"]):
            if k:
                named[k].add(x["type"])
    diffs = collections.Counter()
    gaps = collections.defaultdict(list)
    for k, p in truth.pop.items():
        r = found.get(k)
        if r is None:
            failures.append("person %s (%s %s %s %s, %s) is not in the register" % (
                k, p["name"], p["sex"], p["birth_date"], p["id_number"], p["status"]))
            continue
        key = "%s/%s" % (r["card_no"], r["person_no"])
        was = before.get(key)
        fields = list(PERSON_FIELDS) + ["status"] + (
            ["death_date"] if p["status"] == "deceased" else [])
        for f in fields:
            if r[f] == p[f]:
                continue
            # Differences no item of the spec can report, so that no review can mend them
            # (population.csv has the true values all the same):
            # - a wrong name, sex, birth date or ID of a person off the police list (the dead,
            #   the moved out, hukous elsewhere): only the police list is authoritative for
            #   field_mismatch (rule 3), and the value is as the office carded it;
            # - no ID for a child under one on as_of whom the police registered since: an empty
            #   value is no mismatch (rule 5) and the ID is required from the age of one.
            unchanged = was is not None and was[f] == r[f]
            if (f in PERSON_FIELDS and unchanged and r[f] and
                    not truth.rows_of.get(("police_population", k)) and
                    not named[key] & {"field_mismatch", "invalid_id_number",
                                      "incomplete_record"}):
                gaps["a wrong %s off the police list" % f].append(key)
                continue
            if (f == "id_number" and unchanged and not r[f] and
                    one_year_after(p["birth_date"]) > AS_OF and "incomplete_record" not in
                    named[key]):
                gaps["no ID of a child under one"].append(key)
                continue
            diffs[f] += 1
            failures.append("person %s (%s): %s is %r, population.csv %r%s" % (
                k, key, f, r[f], p[f], "" if was is None else
                " (before the apply %r; items %s)" % (was[f], sorted(named[key]) or "none")))
    # Cards: one card a true household, no card shared by two households.
    cards_of = collections.defaultdict(set)
    households_of = collections.defaultdict(set)
    for k, r in found.items():
        h = truth.pop[k]["household"]
        cards_of[h].add(r["card_no"])
        households_of[r["card_no"]].add(h)
    card_no = {}
    for k, p in truth.pop.items():
        if p["card_no"]:
            card_no[p["household"]] = p["card_no"]
    created = {e["person"] for e in plan if e["type"] == "missing_in_register"}
    bad_cards = 0
    for h, cards in sorted(cards_of.items(), key=lambda x: int(x[0])):
        if len(cards) > 1:
            bad_cards += 1
            failures.append("household %s is on %d cards: %s" % (h, len(cards), "; ".join(
                "%s: %s" % (c, ", ".join(
                    "%s%s" % (truth.pop[k]["name"], " (missing_in_register)" if k in created
                              else "") for k, r in found.items()
                    if r["card_no"] == c and truth.pop[k]["household"] == h))
                for c in sorted(cards))))
        elif h in card_no and card_no[h] not in cards:
            bad_cards += 1
            failures.append("household %s is on card %s, not %s" % (h, min(cards), card_no[h]))
    for c, hs in sorted(households_of.items()):
        if len(hs) > 1:
            bad_cards += 1
            failures.append("card %s holds %d households: %s" % (c, len(hs), sorted(hs)))
    print("%d register persons, %d population persons, %d matched, %d stray, %d values other "
          "than the truth's %s, %d card faults" % (
              len(reg), len(truth.pop), len(found), len(stray), sum(diffs.values()),
              dict(diffs), bad_cards))
    for why, keys in sorted(gaps.items()):
        print("no item can mend: %s: %d (%s)" % (why, len(keys), " ".join(sorted(keys))))
    # The persons' register keys now, for the history and undo checks.
    keys = {k: "%s/%s" % (r["card_no"], r["person_no"]) for k, r in found.items()}
    json.dump(keys, open(os.path.join(work, "keys.json"), "w"))
    return failures


# ---------------------------------------------------------------------------------------------
# Step 5: history.

def history(pr, what, key, db=None):
    p = pr.run("history", "--" + what, key, "--format", "json", "--user", REVIEWER, db=db)
    return json.loads(p.stdout)


def changed_keys(plan_entry, keys):
    """The register keys an item changed (after the apply; merged persons followed)."""
    out = []
    for k in (plan_entry["register_key"], plan_entry["register_key_2"]):
        if k:
            out.append(k)
    if plan_entry["type"] in ("missing_in_register", "unrecorded_birth"):
        if plan_entry["person"] in keys:
            out.append(keys[plan_entry["person"]])
    return out


def is_silent(e, applied):
    """True when applying item e rightly changed nothing: an absent person verified present, or
    an invalid ID whose person's field_mismatch on id_number set the police number already."""
    if e["set"].get("outcome") == "present":
        return True
    if e["type"] == "incomplete_record" and e["why"] == NO_VALUE:
        return True
    if e["type"] != "invalid_id_number":
        return False
    return any(o["type"] == "field_mismatch" and o.get("field") == "id_number"
               and o["register_key"] == e["register_key"] for o in applied)


def cmd_history(pr, args, district, work):
    plan = json.load(open(os.path.join(work, "plan.json")))
    keys = json.load(open(os.path.join(work, "keys.json")))
    items = {x["id"]: x for x in json.load(open(os.path.join(work, "items2a.json")))}
    applied = [e for e in plan if items[e["id"]]["status"] == "applied"]
    failures = []
    # Every card an applied item touched: its history (persons and card) names the item.
    cards = collections.defaultdict(set)
    for e in applied:
        for k in changed_keys(e, keys):
            cards[k.split("/")[0]].add(e["id"])
    rows_with_item = {}
    for card in sorted(cards):
        for h in history(pr, "card", card):
            if h["item"] is not None:
                rows_with_item[h["id"]] = h
    items_seen = collections.Counter(h["item"] for h in rows_with_item.values())
    # An absent person verified present changes nothing (apply.h): no history row. Nor does an
    # invalid ID that the same person's field_mismatch on id_number (applied before it) mended.
    silent_ids = {e["id"] for e in applied if is_silent(e, applied)}
    silent = [e for e in applied if e["id"] in silent_ids]
    want = [e for e in applied if e["id"] not in silent_ids]
    missing = [e for e in want if items_seen[e["id"]] == 0]
    print("%d applied items (%d change nothing: verified present, or mended by another item); "
          "%d history rows with "
          "an item on the %d cards they touched, naming %d of the items" % (
              len(applied), len(silent), len(rows_with_item), len(cards),
              len([e for e in want if items_seen[e["id"]]])))
    for e in missing:
        failures.append("applied item %d (%s %s) has no history row" % (
            e["id"], e["type"], e["register_key"] or e["birth_key"]))
    if len(rows_with_item) < len(want):
        failures.append("%d history rows with an item, fewer than the %d applied items that "
                        "change the register" % (len(rows_with_item), len(want)))
    for e in silent:
        if items_seen[e["id"]] and e["set"].get("outcome") == "present":
            failures.append("item %d verified present changed the register" % e["id"])
    # A sample of persons, every type: `history --person` shows the item's row.
    rnd = random.Random(12)
    sample = []
    for t in TYPES:
        es = [e for e in want if e["type"] == t]
        sample += rnd.sample(es, min(len(es), max(2, 30 // len(TYPES) + 1)))
    for e in sample:
        for k in changed_keys(e, keys)[:1]:
            rows = history(pr, "person", k)
            if not any(h["item"] == e["id"] for h in rows):
                failures.append("history --person %s has no row of item %d (%s)" % (
                    k, e["id"], e["type"]))
    print("history --person of %d persons (%s)" % (
        len(sample), dict(collections.Counter(e["type"] for e in sample))))
    return failures


# ---------------------------------------------------------------------------------------------
# Step 6: undo.

def cmd_undo(pr, args, district, work):
    copy = args[0]
    plan = json.load(open(os.path.join(work, "plan.json")))
    keys = json.load(open(os.path.join(work, "keys.json")))
    items = {x["id"]: x for x in json.load(open(os.path.join(work, "items2a.json")))}
    failures = []
    applied_all = [e for e in plan if items[e["id"]]["status"] == "applied"]
    applied = [e for e in applied_all if not is_silent(e, applied_all)]
    # The cards each applied item touched (a new person's card included).
    cards_of = {e["id"]: {k.split("/")[0] for k in changed_keys(e, keys)} for e in applied}
    items_of_card = collections.defaultdict(set)
    for i, cards in cards_of.items():
        for c in cards:
            items_of_card[c].add(i)
    # One item of each type, preferably one whose cards no other item touched: an undo is
    # refused when a later change touched the same values, and this checks the plain undo.
    chosen = {}
    for t in TYPES:
        es = [e for e in applied if e["type"] == t and cards_of[e["id"]]]
        alone = [e for e in es if all(items_of_card[c] == {e["id"]} for c in cards_of[e["id"]])]
        if alone or es:
            chosen[t] = (alone or es)[0]
    rows_of = {}
    hist_cache = {}
    for t, e in list(chosen.items()):
        rows = []
        for card in sorted(cards_of[e["id"]]):
            if card not in hist_cache:
                hist_cache[card] = history(pr, "card", card, db=copy)
            rows += [h for h in hist_cache[card] if h["item"] == e["id"]]
        if not rows:
            failures.append("item %d (%s): no history rows to undo" % (e["id"], t))
            del chosen[t]
            continue
        rows_of[e["id"]] = rows
    reg0 = pr.export("register", os.path.join(work, "undo0.csv"), db=copy)
    for t, e in chosen.items():
        p = pr.run("undo", "--item", str(e["id"]), "--user", REVIEWER, "--note", "test",
                   check=False, db=copy)
        if p.returncode != 0:
            failures.append("undo --item %d (%s) refused: %s" % (e["id"], t, p.stderr.strip()))
    reg1 = pr.export("register", os.path.join(work, "undo1.csv"), db=copy)
    persons1 = {"%s/%s" % (r["card_no"], r["person_no"]): r for r in reg1}
    st1 = {x["id"]: x["status"] for x in pr.items(os.path.join(work, "undo1.json"), db=copy)}

    def check_before(e, rows, persons, when):
        # The first row of each entity holds its value before the item.
        first = {}
        for h in sorted(rows, key=lambda h: h["id"]):
            first.setdefault((h["entity"], h["key"]), h)
        for (entity, key), h in first.items():
            if entity != "person":
                continue
            now = persons.get(key)
            if h["before"] is None:
                if now is not None:
                    failures.append("%s item %d (%s): person %s it created is still there" % (
                        when, e["id"], e["type"], key))
                continue
            if now is None:
                failures.append("%s item %d (%s): person %s is gone" % (
                    when, e["id"], e["type"], key))
                continue
            for f, v in h["before"].items():
                if f in now and now[f] != v:
                    failures.append("%s item %d (%s): person %s %s is %r, before the item %r"
                                    % (when, e["id"], e["type"], key, f, now[f], v))

    for t, e in chosen.items():
        check_before(e, rows_of[e["id"]], persons1, "after undo of")
        if st1.get(e["id"]) != "approved":
            failures.append("undone item %d (%s) is %s, not approved" % (
                e["id"], t, st1.get(e["id"])))
    # Cards made by an item are gone after its undo; cards it removed are back.
    cards1 = set(r["card_no"] for r in reg1)
    for t, e in chosen.items():
        for h in rows_of[e["id"]]:
            if h["entity"] == "household" and h["before"] is None and h["key"] in cards1:
                failures.append("after undo of item %d (%s): card %s it created has persons" % (
                    e["id"], t, h["key"]))
    # Apply again: the register is as it was after the first apply (the persons an item
    # creates may get other numbers, so those are compared by ID or birth).
    for t, e in chosen.items():
        p = pr.run("apply", "--item", str(e["id"]), "--user", REVIEWER, check=False, db=copy)
        if p.returncode != 0:
            failures.append("apply --item %d (%s) after its undo refused: %s" % (
                e["id"], t, p.stderr.strip()))
    reg2 = pr.export("register", os.path.join(work, "undo2.csv"), db=copy)
    # A card an item made is made again with the next free number: compare it as "new".
    made = {h["key"] for rows in rows_of.values() for h in rows
            if h["entity"] == "household" and h["before"] is None}
    cards0 = {r["card_no"] for r in reg0}

    def sig(r, new_cards):
        return ("new" if r["card_no"] in new_cards else r["card_no"],) + tuple(
            r[f] for f in ("name", "sex", "birth_date", "id_number", "status", "death_date",
                           "mother_id_number"))
    a = collections.Counter(sig(r, made) for r in reg0)
    b = collections.Counter(sig(r, {r["card_no"] for r in reg2} - cards0 | made) for r in reg2)
    if a != b:
        for s in sorted((a - b).elements()):
            failures.append("after undo and apply again: missing %s" % (s,))
        for s in sorted((b - a).elements()):
            failures.append("after undo and apply again: new %s" % (s,))
    st2 = {x["id"]: x["status"] for x in pr.items(os.path.join(work, "undo2.json"), db=copy)}
    for t, e in chosen.items():
        if st2.get(e["id"]) != "applied":
            failures.append("re-applied item %d (%s) is %s" % (e["id"], t, st2.get(e["id"])))
    # The undo has its history rows too, one for each row of the item it restored (on the
    # cards the item touched before; a card it made is made again under another number).
    for t, e in chosen.items():
        undo_rows = []
        for card in sorted({h["key"].split("/")[0] for h in rows_of[e["id"]]} - made):
            undo_rows += [h for h in history(pr, "card", card, db=copy)
                          if h["item"] == e["id"] and h["why"].startswith("undo of item")]
        want = [h for h in rows_of[e["id"]] if h["key"].split("/")[0] not in made]
        if len(undo_rows) < len(want):
            failures.append("undo of item %d (%s): %d history rows of the undo, %d rows of the "
                            "item" % (e["id"], t, len(undo_rows), len(want)))
    print("undone and applied again: %s" % ", ".join(
        "%s item %d (%d history rows)" % (t, e["id"], len(rows_of[e["id"]]))
        for t, e in chosen.items()))
    for t in TYPES:
        if t not in chosen:
            failures.append("no applied %s item to undo" % t)
    return failures


def cmd_townships(areas_csv):
    townships, _ = load_areas(areas_csv)
    print("\n".join(townships))


def main():
    cmd = sys.argv[1]
    if cmd == "townships":
        cmd_townships(sys.argv[2])
        return 0
    binary, db, district, work = sys.argv[2:6]
    pr = Popreg(binary, db)
    failures = globals()["cmd_" + cmd](pr, sys.argv[6:], district, work)
    print("(%d popreg calls)" % pr.calls)
    for f in failures[:60]:
        print("FAILED: " + f)
    if len(failures) > 60:
        print("FAILED: ... and %d more" % (len(failures) - 60))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
