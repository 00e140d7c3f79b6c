#!/usr/bin/python3
"""The independent side of tests/cli_stats_test.sh: the statistics comparison's figures counted
again from the files the store imported (the spec's rules for reading them: aliases, encodings,
spellings; tests/review_oracle.py reads them) and from the generator's identities.csv (which
person each row really is), and the workbook read back with openpyxl.

usage: stats_oracle.py COMMAND ARGS
  counts DISTRICT_DIR WORK_DIR AS_OF SINCE   the csv files WORK/{community,township,district}.csv
                                             against the district's files; sums across levels
  xlsx WORK_DIR                              WORK/stats.xlsx against the csv files
  pdf WORK_DIR                               WORK/stats.pdf (poppler's pdftotext) against them
  manual WORK_DIR                            WORK/manual.csv: the register's figures, Chinese headers
  projection BEFORE.csv AFTER.csv            the register after applying = the projection before
Each command prints what it compared and exits 1 when a check fails.
"""
import collections
import csv
import datetime
import os
import re
import sys
import unicodedata

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from review_oracle import normalize_id, read_plain, read_rows  # noqa: E402

ALIASES = {
    "户卡编号": "card_no", "人员序号": "person_no", "社区代码": "community_code",
    "出生日期": "birth_date", "人员状态": "status", "死亡日期": "death_date",
    "公民身份号码": "id_number", "姓名": "name", "性别": "sex", "母亲身份号码": "mother_id_number",
    "总人口": "total_population", "出生人数": "births", "死亡人数": "deaths",
}
KINDS = ("police_population", "police_births", "vaccinations", "cremations",
         "death_certificates")
FIGURES = ("total", "births", "deaths")


def parse_date(v):
    """A date in any of the spec's spellings, or None."""
    v = unicodedata.normalize("NFKC", v or "").strip()
    for pattern in (r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})", r"(\d{4})年(\d{1,2})月(\d{1,2})日",
                    r"(\d{4})(\d{2})(\d{2})"):
        m = re.fullmatch(pattern, v)
        if m:
            try:
                return datetime.date(*map(int, m.groups()))
            except ValueError:
                return None
    return None


class Window:
    def __init__(self, since, as_of):
        self.since, self.as_of = parse_date(since), parse_date(as_of)

    def __contains__(self, v):
        d = parse_date(v)
        return d is not None and self.since <= d <= self.as_of


def status_of(v):
    v = (v or "").strip().lower()
    return {"": "alive", "在册": "alive", "死亡": "deceased", "迁出": "moved_out"}.get(v, v)


def rows_of(district, kind):
    return read_rows(os.path.join(district, kind + ".csv"), ALIASES)


def stats_rows(path):
    return read_plain(path)


def number(v):
    return int(v) if v not in ("", None) else None


class Checks:
    def __init__(self):
        self.failures, self.passed = [], 0

    def equal(self, what, got, want):
        if got == want:
            self.passed += 1
        else:
            self.failures.append("%s: popreg %r, expected %r" % (what, got, want))

    def true(self, what, ok):
        if ok:
            self.passed += 1
        else:
            self.failures.append(what)

    def done(self):
        print("%d checks passed" % self.passed)
        for f in self.failures[:40]:
            print("FAILED: " + f)
        return 1 if self.failures else 0


def cmd_counts(district, work, as_of, since):
    c = Checks()
    window = Window(since, as_of)
    community = {r["code"]: r for r in stats_rows(os.path.join(work, "community.csv"))
                 if r["level"] == "community"}
    township = {r["code"]: r for r in stats_rows(os.path.join(work, "township.csv"))
                if r["level"] == "township"}
    district_rows = stats_rows(os.path.join(work, "district.csv"))
    c.equal("district.csv has one row", len(district_rows), 1)
    total = district_rows[0]

    # The register, per community: alive, born in the window, deceased in the window.
    reg = collections.defaultdict(lambda: [0, 0, 0])
    for r in rows_of(district, "register"):
        st = status_of(r.get("status"))
        f = reg[r["community_code"]]
        f[0] += st == "alive"
        f[1] += r["birth_date"] in window
        f[2] += st == "deceased" and r.get("death_date", "") in window
    for code, (t, b, d) in sorted(reg.items()):
        row = community.get(code)
        c.true("the register's community %s has a row" % code, row is not None)
        if row:
            c.equal("%s reg_total" % code, number(row["reg_total"]), t)
            c.equal("%s reg_births" % code, number(row["reg_births"]), b)
            c.equal("%s reg_deaths" % code, number(row["reg_deaths"]), d)
    print("register: %d persons alive, %d births, %d deaths in the window" %
          tuple(sum(f[i] for f in reg.values()) for i in range(3)))

    # The police list per community: distinct persons (by ID), those born in the window.
    persons, births = collections.defaultdict(set), collections.defaultdict(set)
    for i, r in enumerate(rows_of(district, "police_population"), start=1):
        key = normalize_id(r["id_number"]) or "row %d" % i
        persons[r["community_code"]].add(key)
        if r["birth_date"] in window:
            births[r["community_code"]].add(key)
    for code in sorted(persons):
        row = community.get(code, {})
        c.equal("%s police_population_persons" % code,
                number(row.get("police_population_persons")), len(persons[code]))
        c.equal("%s police_population_births" % code,
                number(row.get("police_population_births")), len(births[code]))
        linked = number(row.get("police_population_linked"))
        c.true("%s police linked %s of %d" % (code, linked, len(persons[code])),
               linked is not None and 0.9 * len(persons[code]) <= linked <= len(persons[code]))
    print("police list: %d persons, %d born in the window" %
          (sum(map(len, persons.values())), sum(map(len, births.values()))))

    # Each department in the district: distinct true persons (identities.csv) born or died in
    # the window; and the departments together.
    ident = {}
    for r in read_plain(os.path.join(district, "identities.csv")):
        ident[(r["kind"], int(r["row"]))] = r["person"]
    all_births, all_deaths = set(), set()
    for kind in KINDS:
        field = "death_date" if kind in ("cremations", "death_certificates") else "birth_date"
        figure = "deaths" if field == "death_date" else "births"
        seen, within = set(), set()
        for i, r in enumerate(rows_of(district, kind), start=1):
            who = ident.get((kind, i), "%s row %d" % (kind, i))
            seen.add(who)
            if r.get(field, "") in window:
                within.add(who)
        (all_deaths if figure == "deaths" else all_births).update(within)
        got = number(total["%s_%s" % (kind, figure)])
        c.equal("district %s_%s (distinct persons)" % (kind, figure), got, len(within))
        linked = number(total["%s_linked" % kind])
        if kind != "police_population":  # the police list's linked are persons, checked above
            c.true("district %s linked %s <= %d" % (kind, linked, len(within)),
                   linked is not None and linked <= len(within))
        print("%s: %d persons in the file, %d %s in the window (popreg %s, %s linked)" %
              (kind, len(seen), len(within), figure, got, linked))
    c.equal("district departments_births (once per child)", number(total["departments_births"]),
            len(all_births))
    c.equal("district departments_deaths (once per person)", number(total["departments_deaths"]),
            len(all_deaths))
    c.equal("district departments_total", number(total["departments_total"]),
            sum(map(len, persons.values())))

    # The manual report, as the office sent it.
    manual = {r["community_code"]: r for r in rows_of(district, "manual_report")}
    for code, row in sorted(community.items()):
        m = manual.get(code)
        for f, col in zip(FIGURES, ("total_population", "births", "deaths")):
            c.equal("%s manual_%s" % (code, f), number(row["manual_" + f]),
                    int(m[col]) if m else None)
            if m:
                c.equal("%s manual_diff_%s" % (code, f), number(row["manual_diff_" + f]),
                        number(row["reg_" + f]) - int(m[col]))

    # Every township is the sum of its communities, the district the sum of its townships.
    township_of = {a["code"]: a["parent_code"] for a in read_plain(os.path.join(work, "areas.csv"))
                   if a["level"] == "community"}
    columns = [k for k in total if k not in ("level", "code", "name")]
    sums = collections.defaultdict(lambda: collections.defaultdict(lambda: None))
    for code, row in community.items():
        for k in columns:
            v = number(row[k])
            t = sums[township_of.get(code, "")]
            if v is not None:
                t[k] = (t[k] or 0) + v
    for code, row in township.items():
        for k in columns:
            c.equal("township %s %s = the sum of its communities" % (code, k), number(row[k]),
                    sums[code][k])
    for k in columns:  # the townships and 未能归属 (code "")
        values = [number(r[k]) for r in township.values() if number(r[k]) is not None]
        c.equal("district %s = the sum of its townships" % k, number(total[k]),
                sum(values) if values else None)
    return c.done()


def cmd_xlsx(work):
    import openpyxl
    c = Checks()
    wb = openpyxl.load_workbook(os.path.join(work, "stats.xlsx"))
    c.equal("sheets", wb.sheetnames, ["社区", "乡镇街道", "区县"])
    groups = ["登记", "公安户籍", "公安出生", "预防接种", "火化", "死亡证明", "各部门合计", "手工报表",
              "审核后", "全部处理后"]
    for sheet, name in zip(wb.sheetnames, ("community", "township", "district")):
        ws = wb[sheet]
        rows = stats_rows(os.path.join(work, name + ".csv"))
        c.equal(sheet + " frozen panes", ws.freeze_panes, "C4")
        c.true(sheet + " title names the date", "2026-09-30" in (ws.cell(1, 1).value or ""))
        merged = {str(r) for r in ws.merged_cells.ranges}
        c.true(sheet + " code and name headers span two rows", {"A2:A3", "B2:B3"} <= merged)
        heads = [ws.cell(2, col).value for col in range(3, ws.max_column + 1)]
        c.equal(sheet + " group headers", [h for h in heads if h], groups)
        for r in ws.merged_cells.ranges:
            if r.min_row == 2 and r.max_row == 2:
                c.true(sheet + " group %s spans several columns" % ws.cell(2, r.min_col).value,
                       r.max_col > r.min_col)
        c.equal(sheet + " first column headers",
                [ws.cell(3, col).value for col in range(3, 6)], ["总人口", "出生", "死亡"])
        header = list(rows[0].keys())[3:]
        c.equal(sheet + " columns", ws.max_column - 2, len(header))
        data = list(ws.iter_rows(min_row=4, values_only=True))
        c.equal(sheet + " rows", len(data), len(rows))
        for got, want in zip(data, rows):
            c.equal(sheet + " code", got[0] or "", want["code"])
            for k, v in zip(header, got[2:]):
                c.equal("%s %s %s" % (sheet, want["code"], k), v, number(want[k]))
        c.equal(sheet + " number format", ws.cell(4, 3).number_format, "#,##0")
        c.true(sheet + " numbers are numbers", isinstance(ws.cell(4, 3).value, int))
        c.true(sheet + " the total row is bold", ws.cell(ws.max_row, 3).font.b)
    return c.done()


def cmd_pdf(work):
    """WORK/stats.pdf: three A4 landscape pages, a table per level, with the csv's figures."""
    import subprocess
    c = Checks()
    path = os.path.join(work, "stats.pdf")
    info = subprocess.run(["pdfinfo", path], capture_output=True, text=True).stdout
    c.true("three pages", re.search(r"Pages:\s+3\b", info) is not None)
    c.true("A4 landscape", re.search(r"Page size:\s+841\.\d+ x 595\.\d+", info) is not None)
    for page, (name, level) in enumerate(zip(("community", "township", "district"),
                                             ("社区（村）", "乡镇（街道）", "区县")), start=1):
        text = subprocess.run(["pdftotext", "-layout", "-f", str(page), "-l", str(page), path,
                               "-"], capture_output=True, text=True).stdout
        c.true("page %d is the table of the %s level" % (page, name), level in text)
        for head in ("登记", "各部门合计", "手工报表", "审核后", "全部处理后"):
            c.true("page %d has the group %s" % (page, head), head in text)
        rows = stats_rows(os.path.join(work, name + ".csv"))
        for r in rows:
            line = next((l for l in text.splitlines() if l.split()[:1] == [r["name"] or r["code"]]),
                        "")
            want = ["{:,}".format(int(r[k])) for k in ("reg_total", "reg_births", "reg_deaths")]
            c.equal("page %d: %s's register figures" % (page, r["name"]), line.split()[1:4], want)
    return c.done()


def cmd_manual(work):
    c = Checks()
    with open(os.path.join(work, "manual.csv"), encoding="utf-8") as f:
        rows = list(csv.reader(f))
    c.equal("manual layout header", rows[0], ["社区代码", "总人口", "出生人数", "死亡人数"])
    community = {r["code"]: r for r in stats_rows(os.path.join(work, "community.csv"))
                 if r["level"] == "community" and r["code"]}
    c.equal("a row per community", sorted(r[0] for r in rows[1:]), sorted(community))
    for code, t, b, d in rows[1:]:
        row = community[code]
        c.equal(code + " manual layout", [t, b, d],
                [row["reg_total"], row["reg_births"], row["reg_deaths"]])
    return c.done()


def cmd_projection(before, after):
    c = Checks()
    b = {(r["level"], r["code"]): r for r in stats_rows(before)}
    a = {(r["level"], r["code"]): r for r in stats_rows(after)}
    c.equal("the same rows", sorted(a), sorted(b))
    moved = 0
    for key, row in sorted(b.items()):
        for f in FIGURES:
            c.equal("%s %s: the register after apply = the projection after approved" % (key, f),
                    number(a[key]["reg_" + f]), number(row["after_approved_" + f]))
            moved += number(row["after_approved_" + f]) != number(row["reg_" + f])
    c.true("the approved items change some figure", moved > 0)
    print("%d figures changed by applying the approved items" % moved)
    return c.done()


def main():
    cmd, args = sys.argv[1], sys.argv[2:]
    return globals()["cmd_" + cmd](*args)


if __name__ == "__main__":
    sys.exit(main())
