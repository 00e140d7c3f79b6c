"""What tests/cli_campaign_test.sh expects, computed from what the test did (docs/reports.md says
the rules): the campaign's dates, the items and when the test moved them, the imports and when
they came. Each command prints what it checked and exits non-zero on the first difference.

usage: campaign_oracle.py COMMAND WORK [ARGS]
  staffed                    the township whose staff come on 2026-09-10
  choose                     picks the communities (writes WORK/choice.json)
  months                     checks the months recorded for the imports without --month
                             against the exported normalised rows (WORK/export_KIND.csv)
  progress DATE FILE.csv     checks `popreg progress --as-of DATE` (every row and total)
  progress-xlsx DATE FILE    checks the workbook against the CSV of the same date
  intake DATE FILE.csv [M]   checks `popreg intake --as-of DATE [--month M]`
  intake-xlsx FILE           checks the workbook's headers and state names
  assess FILE.csv [W]        checks `popreg assess --year 2026` (W: the weights c,t,a,g) with
                             the gap from `popreg stats` (WORK/stats.csv)
"""
import csv
import json
import sys
from datetime import date, timedelta

cmd, work = sys.argv[1], sys.argv[2]
args = sys.argv[3:]

# The campaign as the test sets it (start, startup_end, reporting, entry, end) and its
# hand-over day.
START, STARTUP_END = "2026-09-01", "2026-09-14"
REPORTING, ENTRY, END = "2026-10-31", "2026-11-30", "2026-12-20"
DEADLINE = {"startup": STARTUP_END, "reporting": REPORTING, "entry": ENTRY, "acceptance": END}
MILESTONES = ["startup", "reporting", "entry", "acceptance"]
NAMES = {"startup": "启动部署", "reporting": "社区上报", "entry": "录入", "acceptance": "检查验收"}
HANDOVER_DAY = 3
COMPARED_ON, STAFFED_ON = "2026-10-06", "2026-09-10"
KINDS = ["police_population", "police_births", "vaccinations", "cremations",
         "death_certificates", "manual_report"]
DEPARTMENTS = dict(zip(KINDS, ["公安户籍", "公安出生登记", "预防接种", "火化登记", "死亡医学证明",
                               "手工统计报表"]))


def read_csv(path):
    with open(path, encoding="utf-8") as f:
        return list(csv.DictReader(f))


def fail(msg):
    print("FAIL:", msg)
    sys.exit(1)


def areas():
    return {a["code"]: a for a in read_csv(work + "/areas.csv")}


def staffed_township(a):
    """The township with the most communities (the first such by code): its staff come on
    2026-09-10; the other townships have none."""
    towns = sorted(c for c, x in a.items() if x["level"] == "township")
    return max(towns, key=lambda t: (sum(1 for x in a.values() if x["parent_code"] == t),
                                     -towns.index(t)))


def choice():
    with open(work + "/choice.json") as f:
        return json.load(f)


def items():
    with open(work + "/items.json") as f:
        return json.load(f)


def final_status():
    with open(work + "/items_final.json") as f:
        return {x["id"]: x["status"] for x in json.load(f)}


def events():
    """Per item, the (day, state) the test moved it to, oldest first."""
    ch = choice()
    final = final_status()
    ev = {x["id"]: [] for x in items()}
    c1 = [x["id"] for x in items() if x["community_code"] == ch["c1"]]
    for i in c1:
        if i == ch["disputed"]:
            ev[i] = [("2026-10-20", "disputed"), ("2026-11-10", "rejected")]
        elif i == ch["rejected"]:
            ev[i] = [("2026-10-20", "verified"), ("2026-11-10", "rejected")]
        else:
            ev[i] = [("2026-10-20", "verified"), ("2026-11-10", "approved")]
            if final[i] == "applied":
                ev[i].append(("2026-11-20", "applied"))
            elif final[i] != "approved":
                fail(f"item {i} of {ch['c1']} ended {final[i]}, not applied or approved")
    for x in items():
        if x["community_code"] == ch["c3"]:
            ev[x["id"]] = [("2026-11-15", "verified")]
        elif x["community_code"] != ch["c1"] and final[x["id"]] != "open":
            fail(f"item {x['id']} ended {final[x['id']]}; the test never moved it")
    return ev


def state_on(ev, day):
    state = "open"
    for d, s in ev:
        if d <= day:
            state = s
    return state


def pct(done, items):
    return "%.1f" % (100.0 if items == 0 else 100 * done / items)


def progress_rows(day):
    """The rows and totals `popreg progress --as-of day` must write, as CSV dicts of strings."""
    a = areas()
    staffed = staffed_township(a)
    ev = events()
    codes = {c for c, x in a.items() if x["level"] == "community"}
    codes |= {x["community_code"] for x in items()}
    township = {c: a[c]["parent_code"] if c in a else "" for c in codes}
    order = sorted((c for c in codes if c), key=lambda c: (township[c], c))
    if "" in codes:
        order.append("")
    rows, raw = [], []
    for code in order:
        mine = [x for x in items() if x["community_code"] == code]
        for m in MILESTONES:
            cut = min(day, DEADLINE[m])
            counted = [x for x in mine if COMPARED_ON <= cut]
            states = [state_on(ev[x["id"]], day) for x in counted]
            n = {s: states.count(s) for s in
                 ["open", "verified", "disputed", "approved", "rejected", "applied", "resolved"]}
            if m == "startup":
                done = int(day >= COMPARED_ON) + int(bool(code) and day >= STAFFED_ON and
                                                     township[code] == staffed)
                done_pct = 50.0 * done
            else:
                done = sum(1 for s in states if (s != "open" if m == "reporting" else
                                                 s in ("applied", "rejected", "resolved")))
                done_pct = 100.0 if not counted else 100 * done / len(counted)
            raw.append((code, m, len(counted), n, done))
            t = township[code]
            rows.append({
                "community_code": code,
                "community_name": a[code]["name"] if code in a else ("(无社区)" if not code else ""),
                "township_code": t, "township_name": a[t]["name"] if t in a else "",
                "phase": m, "phase_name": NAMES[m], "deadline": DEADLINE[m],
                "items": str(len(counted)), **{k: str(v) for k, v in n.items()},
                "done": str(done), "done_pct": "%.1f" % done_pct,
                "overdue": "1" if day > DEADLINE[m] and done_pct < 100 else "0"})
    for m in MILESTONES:
        mine = [r for r in raw if r[1] == m]
        total = {k: sum(r[3][k] for r in mine) for k in mine[0][3]}
        items_n = sum(r[2] for r in mine)
        if m == "startup":
            with_code = [r for r in mine if r[0]]
            done = sum(r[4] for r in with_code)
            done_pct = 100.0 if not with_code else 50.0 * done / len(with_code)
        else:
            done = sum(r[4] for r in mine)
            done_pct = 100.0 if items_n == 0 else 100 * done / items_n
        rows.append({"community_code": "", "community_name": "全区合计", "township_code": "",
                     "township_name": "", "phase": m, "phase_name": NAMES[m],
                     "deadline": DEADLINE[m], "items": str(items_n),
                     **{k: str(v) for k, v in total.items()}, "done": str(done),
                     "done_pct": "%.1f" % done_pct,
                     "overdue": "1" if day > DEADLINE[m] and done_pct < 100 else "0"})
    return rows


def compare_rows(want, got, what):
    if len(want) != len(got):
        fail(f"{what}: {len(got)} rows, expected {len(want)}")
    for i, (w, g) in enumerate(zip(want, got)):
        if w != g:
            diff = {k: (w.get(k), g.get(k)) for k in set(w) | set(g) if w.get(k) != g.get(k)}
            fail(f"{what}: row {i + 1} ({w['community_code']} {w.get('phase', w.get('kind'))}): "
                 f"(expected, got) {diff}")


def imports():
    """What the test imported: kind, month printed, community, received at, rows, rejects, id."""
    with open(work + "/imports.tsv", encoding="utf-8") as f:
        out = []
        for line in f:
            kind, month, community, at, rows, rejected, iid, name = line.rstrip("\n").split("\t")
            out.append({"kind": kind, "month": month, "community": community, "at": at,
                        "rows": rows, "rejected": rejected, "id": iid, "file": name})
        return out


def due_of(month):
    y, m = int(month[:4]), int(month[5:])
    y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return date(y, m, HANDOVER_DAY).isoformat()


def months_between(first, last):
    out = []
    y, m = int(first[:4]), int(first[5:])
    while "%04d-%02d" % (y, m) <= last:
        out.append("%04d-%02d" % (y, m))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def intake_rows(day, only_month=None):
    a = areas()
    d = date.fromisoformat(day)
    last = (d.replace(day=1) - timedelta(days=1)).isoformat()[:7]
    months = [only_month] if only_month else months_between(START[:7], last)
    rows = []
    for month in months:
        due = due_of(month)
        for kind in KINDS:
            cover = sorted((i for i in imports() if i["kind"] == kind and i["month"] == month and
                            i["at"][:10] <= day), key=lambda i: (i["community"], i["at"]))
            if not cover:
                state = "missing" if day > due else "pending"
                late = (d - date.fromisoformat(due)).days if state == "missing" else 0
                rows.append({"state": state, "kind": kind, "department": DEPARTMENTS[kind],
                             "community_code": "", "community_name": "全部", "month": month,
                             "due": due, "received_at": "", "received_by": "", "rows": "",
                             "rejects": "", "import_id": "", "file_name": "",
                             "days_late": str(late)})
            for i in cover:
                late = max(0, (date.fromisoformat(i["at"][:10]) - date.fromisoformat(due)).days)
                rows.append({"state": "late" if late else "received", "kind": kind,
                             "department": DEPARTMENTS[kind], "community_code": i["community"],
                             "community_name": a[i["community"]]["name"] if i["community"]
                             else "全部", "month": month, "due": due, "received_at": i["at"],
                             "received_by": "clerk", "rows": i["rows"],
                             "rejects": i["rejected"], "import_id": i["id"],
                             "file_name": i["file"], "days_late": str(late)})
    return rows


def covers(area, community):
    """recon::AreaCovers for the codes of this district (12 digits)."""
    prefix = area
    for cut in (9, 6, 4, 2):
        if set(prefix[cut:]) <= {"0"}:
            prefix = prefix[:cut]
        else:
            break
    return community.startswith(prefix)


def gaps():
    """Per community, the register and the police list as `popreg stats` counts them."""
    out = {}
    for r in read_csv(work + "/stats.csv"):
        if r["level"] == "community" and r["police_population_persons"] not in ("", "0"):
            out[r["code"]] = (int(r["reg_total"]), int(r["police_population_persons"]))
    return out


def assess_rows(weights):
    wc, wt, wa, wg = weights
    full, zero = 0.005, 0.05
    evaluated = min("2026-12-31", END)
    at_end = progress_rows(evaluated)
    at_deadline = {m: progress_rows(DEADLINE[m]) for m in ("reporting", "entry", "acceptance")}
    ev = events()
    months = [m for m in months_between(START[:7], "2026-12") if due_of(m) <= "2026-12-31"]
    out = []
    for r in at_end:
        if r["phase"] != "acceptance" or not r["community_code"]:
            continue
        code = r["community_code"]
        items_n, done = int(r["items"]), int(r["done"])
        completion = (100.0 if items_n == 0 else 100 * done / items_n) / 100.0
        met = sum(1 for m, rows in at_deadline.items()
                  for x in rows if x["community_code"] == code and x["phase"] == m and
                  float(x["done_pct"]) >= 100.0 and x["community_name"] != "全区合计")
        # done_pct is printed with one decimal: 99.96 would read 100.0; none is that close here.
        handovers = len(months) * len(KINDS)
        on_time = 0
        for month in months:
            for kind in KINDS:
                if any(i["kind"] == kind and i["month"] == month and
                       (not i["community"] or covers(i["community"], code)) and
                       i["at"][:10] <= due_of(month) for i in imports()):
                    on_time += 1
        timeliness = (0 + 1 * (met / 3)) + 1 * (on_time / handovers)
        timeliness = timeliness / 2
        mine = [x for x in items() if x["community_code"] == code]
        verified = [x for x in mine if any(s == "verified" and d <= evaluated
                                           for d, s in ev[x["id"]])]
        rejected = [x for x in verified if state_on(ev[x["id"]], evaluated) == "rejected"]
        accuracy = 1.0 - (0.0 if not verified else len(rejected) / len(verified))
        total = ((0 + wc * completion) + wt * timeliness) + wa * accuracy
        weights = ((0 + wc) + wt) + wa
        reg = police = gap = gap_score = None
        if code in gaps():
            reg, police = gaps()[code]
            gap = abs(reg - police) / police
            gap_score = (1.0 if gap <= full else 0.0 if gap >= zero else
                         1.0 - (gap - full) / (zero - full))
            total += wg * gap_score
            weights += wg
        score = 100.0 * (total / weights)
        out.append({"rank": "", "township_code": r["township_code"],
                    "township_name": r["township_name"], "community_code": code,
                    "community_name": r["community_name"], "items": str(items_n),
                    "done": str(done), "completion": "%.4f" % completion,
                    "milestones": "3", "milestones_met": str(met),
                    "handovers": str(handovers), "handovers_on_time": str(on_time),
                    "timeliness": "%.4f" % timeliness, "verified": str(len(verified)),
                    "verified_rejected": str(len(rejected)), "accuracy": "%.4f" % accuracy,
                    "register_total": "" if reg is None else str(reg),
                    "police_total": "" if police is None else str(police),
                    "gap": "" if gap is None else "%.4f" % gap,
                    "gap_score": "" if gap_score is None else "%.4f" % gap_score,
                    "score": "%.1f" % score, "_score": score})
    out.sort(key=lambda x: -round(x["_score"] * 10))
    for i, x in enumerate(out):
        x["rank"] = (out[i - 1]["rank"] if i and round(x["_score"] * 10) ==
                     round(out[i - 1]["_score"] * 10) else str(i + 1))
    for x in out:
        del x["_score"]
    return out


def is_iso(v):
    try:
        return len(v) == 10 and v[4] == v[7] == "-" and bool(date.fromisoformat(v))
    except ValueError:
        return False


def read_xlsx(path):
    import openpyxl
    ws = openpyxl.load_workbook(path).active
    return [["" if c is None else str(c) for c in row] for row in ws.iter_rows(values_only=True)]


if cmd == "staffed":
    print(staffed_township(areas()))
elif cmd == "choose":
    a = areas()
    staffed = staffed_township(a)
    by = {}
    for x in items():
        by.setdefault(x["community_code"], []).append(x["id"])
    mine = sorted((c for c in by if c and a.get(c, {}).get("parent_code") == staffed),
                  key=lambda c: (-len(by[c]), c))
    others = sorted((c for c in by if c and a.get(c, {}).get("parent_code") != staffed),
                    key=lambda c: (-len(by[c]), c))
    if len(mine) < 2 or len(by[mine[1]]) < 3 or not others:
        fail(f"the district is too small: {by.keys()}")
    c1, c3 = mine[0], mine[1]
    ch = {"staffed": staffed, "c1": c1, "c3": c3, "c2": others[0],
          "disputed": sorted(by[c1])[0], "rejected": sorted(by[c1])[1]}
    with open(work + "/choice.json", "w") as f:
        json.dump(ch, f)
    print(" ".join(str(ch[k]) for k in ["staffed", "c1", "c3", "c2", "disputed", "rejected"]))
elif cmd == "months":
    cols = {"police_births": ["registered_date", "birth_date"], "vaccinations": ["birth_date"],
            "cremations": ["death_date"], "death_certificates": ["death_date"]}
    checked = 0
    for i in imports():
        if i["kind"] in ("vaccinations", "police_population"):
            continue  # given with --month
        day = i["at"][:10]
        latest = ""
        for r in read_csv(f"{work}/export_{i['kind']}.csv"):
            for c in cols.get(i["kind"], []):
                v = r.get(c, "")
                if is_iso(v):  # an unreadable date: the next column's
                    if v <= day and v > latest:
                        latest = v
                    break
        want = latest[:7] if latest else (
            date.fromisoformat(day).replace(day=1) - timedelta(days=1)).isoformat()[:7]
        print(f"{i['kind']} imported on {day}: month {i['month']}, expected {want} "
              f"(latest event date {latest or 'none'})")
        if i["month"] != want:
            fail(f"{i['kind']}: month {i['month']}, expected {want}")
        checked += 1
    if checked != 4:
        fail(f"{checked} imports checked, expected 4")
elif cmd == "progress":
    day, path = args
    want = progress_rows(day)
    compare_rows(want, read_csv(path), f"progress on {day}")
    over = sorted({(r["community_code"] or "district", r["phase"]) for r in want
                   if r["overdue"] == "1"})
    print(f"progress on {day}: {len(want)} rows as expected; overdue: {over}")
elif cmd == "progress-xlsx":
    day, path = args
    cells = read_xlsx(path)
    want = progress_rows(day)
    head = ["社区代码", "社区", "乡镇街道代码", "乡镇街道", "阶段代码", "阶段", "截止日期", "问题数",
            "待核实", "已核实", "有异议", "已批准", "已驳回", "已录入", "已消除", "已完成",
            "完成率(%)", "逾期"]
    if cells[0] != head:
        fail(f"headers {cells[0]}")
    got = [dict(zip(want[0].keys(), r)) for r in cells[1:]]
    for g in got:
        g["overdue"] = {"是": "1", "否": "0"}.get(g["overdue"], "?" + g["overdue"])
    compare_rows(want, got, f"progress workbook on {day}")
    print(f"the workbook has the {len(want)} rows under Chinese headers, 是/否 for overdue")
elif cmd == "intake":
    day, path = args[0], args[1]
    want = intake_rows(day, args[2] if len(args) > 2 else None)
    compare_rows(want, read_csv(path), f"intake on {day}")
    print(f"intake on {day}: " + ", ".join(f"{r['month']} {r['kind']} {r['state']}"
                                           f"{' ' + r['community_code'] if r['community_code'] else ''}"
                                           for r in want))
elif cmd == "intake-xlsx":
    cells = read_xlsx(args[0])
    if cells[0][:3] != ["情况", "类别", "部门"] or "月份" not in cells[0]:
        fail(f"headers {cells[0]}")
    states = {r[0] for r in cells[1:]}
    if not states <= {"按时", "逾期", "缺报", "未到期"} or "缺报" not in states:
        fail(f"states {states}")
    print(f"the workbook has {len(cells) - 1} rows, states {sorted(states)}")
elif cmd == "assess":
    path = args[0]
    weights = tuple(float(w) for w in args[1].split(",")) if len(args) > 1 else (40, 25, 20, 15)
    want = assess_rows(weights)
    compare_rows(want, read_csv(path), "assessment")
    if not any(r["gap"] for r in want):
        fail("no community has a gap to the police list")
    print("assessment as expected: " + "; ".join(
        f"{r['rank']}. {r['community_code']} {r['score']} (gap {r['gap']})" for r in want))
else:
    fail("unknown command " + cmd)
