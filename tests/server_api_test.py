#!/usr/bin/env python3
"""End-to-end tests of `popreg serve` (issue 14): the real binary serving a real store, spoken to
over HTTP on loopback with the standard library's client, as a browser or another program would.

A small generated district is imported and compared with the CLI; then one user per role signs
in and every route is tried: success, the error shape, refusals by role and by community, the
lockout and the rate limit, session expiry, CSRF and foreign origins, masking and the audited
reveal, the audit rows each action writes and the audit chain, uploads (good, bad, mislabelled,
oversized), jobs with progress, cancelling, one comparison at a time, and a clean stop on SIGTERM
with a job running (nothing half-written).

usage: build/venv/bin/python3 server_api_test.py POPREG WORK_DIR (the venv of scripts/bootstrap)
With POPREG_TEST_DB_URL_BASE set to a PostgreSQL server's URL the store is a new database there
(dropped at the end); otherwise a SQLite file in WORK_DIR.
"""
import csv
import gzip
import io
import json
import os
import re
import subprocess
import time

from serve_lib import (HERE, PASSWORD, Client, Server, add_user, check, finish, import_district,
                       is_error, load_spec, make_district, run, setup, spec_routes, upload,
                       wait_job)

POPREG, WORK, PG, DB = setup("api")

# -- the district -------------------------------------------------------------------------------
district, communities = make_district()
own, other = communities[0], communities[-1]
add_user("clerk", "clerk", "--all-areas")
add_user("reviewer", "reviewer", "--all-areas")
add_user("viewer", "viewer", "--all-areas")
add_user("auditor", "auditor", "--all-areas")
add_user("staff", "community", "--area", own)
import_district(district)
env = dict(os.environ, POPREG_USER="clerk")

# The import profiles the server offers: the shipped ones, one for a births list whose date
# column has a header of the department's own, and a broken one.
profiles = os.path.join(WORK, "profiles")
os.makedirs(profiles)
shipped = os.path.join(HERE, "..", "profiles")
for name in os.listdir(shipped):
    if name.endswith(".toml"):
        with open(os.path.join(shipped, name), "rb") as src, \
                open(os.path.join(profiles, name), "wb") as dst:
            dst.write(src.read())
with open(os.path.join(profiles, "births-own.toml"), "w", encoding="utf-8") as f:
    f.write('kind = "police_births"\n[columns]\nbirth_date = "婴儿出生日期"\n')
with open(os.path.join(profiles, "broken.toml"), "w", encoding="utf-8") as f:
    f.write('kind = "police_births"\n[columns]\nno_such_column = "x"\n')

server = Server("--sign-ins-per-minute", "100", "--profiles-dir", profiles)
anon = Client(server)

# -- what every route shares ---------------------------------------------------------------------
routes = run("serve", "--routes").split("\n")
routes = [r for r in routes if r]
documented = set(spec_routes(load_spec()))
check("every route the server has is in api/openapi.yaml, and the reverse",
      set(routes) == documented,
      "undocumented: %s; not served: %s" % (set(routes) - documented, documented - set(routes)))

st, j, h, _ = anon.get("/api/v1/health")
check("the health check answers without signing in", st == 200 and j["status"] == "ok", j)
check("every response carries the security headers",
      "frame-ancestors 'none'" in h.get("content-security-policy", "") and
      "'unsafe-inline'" not in h.get("content-security-policy", "") and
      h.get("x-content-type-options") == "nosniff" and h.get("referrer-policy") == "no-referrer"
      and "access-control-allow-origin" not in h, h)
st, _, h, page = anon.get("/")
check("the UI's page is served from inside the binary",
      st == 200 and b"popreg" in page and h.get("content-type", "").startswith("text/html"), st)
check("index.html, which names the hashed bundles, is never cached",
      h.get("cache-control") == "no-store", h)
# The UI's scripts and styles: compressed at build time, sent as the browser accepts them, the
# bytes the same once decoded, cached for good (their names change with their content).
bundles = re.findall(rb'(/assets/[^"]+\.(?:js|css))"', page)
plain_answers = [anon.call("GET", b.decode(), headers={"Accept-Encoding": "identity"})
                 for b in bundles]
check("the page names its bundles, served uncompressed to a client that asks so",
      len(bundles) >= 3 and all(a[0] == 200 and "content-encoding" not in a[2] and
                                a[2].get("content-length") == str(len(a[3]))
                                for a in plain_answers), (bundles, [a[:3] for a in
                                                                    plain_answers]))
gz = [anon.call("GET", b.decode(), headers={"Accept-Encoding": "gzip, deflate"})
      for b in bundles]
check("gzip: the same bytes once decoded, smaller, and with Vary",
      all(a[2].get("content-encoding") == "gzip" and a[2].get("vary") == "Accept-Encoding" and
          gzip.decompress(a[3]) == p[3] and len(a[3]) < len(p[3])
          for a, p in zip(gz, plain_answers)), [a[2] for a in gz])
br = [anon.call("GET", b.decode(), headers={"Accept-Encoding": "gzip, deflate, br, zstd"})
      for b in bundles]
check("brotli when the browser accepts it (as Chromium does), smaller than gzip",
      all(a[2].get("content-encoding") == "br" and len(a[3]) < len(g[3]) and
          a[2].get("cache-control") == "public, max-age=31536000, immutable"
          for a, g in zip(br, gz)), [a[2] for a in br])
st, _, h, _ = anon.call("GET", bundles[0].decode(), headers={"Accept-Encoding": "br;q=0, gzip"})
check("a coding refused by q=0 is not sent", h.get("content-encoding") == "gzip", h)
st, _, h, _ = anon.call("GET", "/assets/no-such-file.js")
check("an asset that is not there is 404", st == 404, st)
st, j, _, _ = anon.get("/api/v1/no-such-route")
check("an unknown API path is a JSON 404", is_error(st, j, 404, "not_found"), (st, j))

needs_user = [r for r in routes if r not in ("GET /api/v1/health", "POST /api/v1/session")]
bad = []
for r in needs_user:
    method, p = r.split(" ", 1)
    p = p.replace("{id}", "1").replace("{login}", "admin")
    st, j, _, _ = anon.call(method, p, {} if method != "GET" else None)
    if not is_error(st, j, 401, "unauthenticated"):
        bad.append((r, st, j))
check("every route but health and sign-in refuses without a session (401, the error shape)",
      not bad and len(needs_user) > 10, bad)

# -- signing in -----------------------------------------------------------------------------------
admin = Client(server)
st, j = admin.sign_in("admin", "wrong password")
check("a wrong password is 401 and does not say which part was wrong",
      is_error(st, j, 401, "unauthenticated") and "admin" not in j["error"]["message"], j)
st, j = admin.sign_in("nobody-here")
check("an unknown login gets the same answer", is_error(st, j, 401, "unauthenticated"), j)
st, j = admin.sign_in("admin")
check("the admin signs in; a given password must be changed first",
      st == 201 and j["must_change_password"] is True and len(j["csrf_token"]) >= 43, j)
check("the session cookie is HttpOnly and SameSite=Strict", admin.cookie.startswith(
    "popreg_session="), admin.cookie)
st, j, _, _ = admin.get("/api/v1/users")
check("until then every other route refuses (403, password_change_required)",
      is_error(st, j, 403, "permission_denied") and j["error"]["details"].get(
          "password_change_required") is True, j)
st, j, _, _ = admin.post("/api/v1/session/password",
                      {"current_password": PASSWORD, "new_password": "short"})
check("a weak new password is refused, saying why",
      is_error(st, j, 400, "invalid_argument") and "three kinds" in j["error"]["details"][
          "reason"], j)
st, j, _, _ = admin.post("/api/v1/session/password",
                      {"current_password": "not it", "new_password": "Another-pass-2"})
check("a wrong present password is refused", is_error(st, j, 403), j)
st, j, _, _ = admin.post("/api/v1/session/password",
                      {"current_password": PASSWORD, "new_password": "Another-pass-2"})
if st == 200:
    admin.csrf = j["csrf_token"]
check("the admin sets their own password and goes on", st == 200 and not j[
    "must_change_password"], j)
st, j, _, _ = admin.get("/api/v1/users")
check("the admin lists the users", st == 200 and len(j["users"]) == 6, j)


def signed_in(login):
    c = Client(server)
    st, j = c.sign_in(login)
    assert st == 201, (login, st, j)
    st, j, _, _ = c.post("/api/v1/session/password",
                      {"current_password": PASSWORD, "new_password": PASSWORD + "x"})
    assert st == 200, (login, st, j)
    c.csrf = j["csrf_token"]
    return c


PASSWORD_2 = PASSWORD + "x"
clerk, reviewer, viewer, auditor, staff = (signed_in(u) for u in
                                           ["clerk", "reviewer", "viewer", "auditor", "staff"])

# CSRF and origins.
st, j, _, _ = reviewer.call("POST", "/api/v1/reviews", {"action": "approve", "type": "x"},
                         csrf=False)
check("a state-changing request without the CSRF token is refused (403)",
      is_error(st, j, 403, "permission_denied") and "CSRF" in j["error"]["details"]["reason"], j)
st, j, _, _ = reviewer.call("POST", "/api/v1/reviews", {"action": "approve", "type": "x"},
                         headers={"X-CSRF-Token": "A" * 43})
check("a wrong CSRF token is refused (403)", is_error(st, j, 403), j)
st, j, _, _ = reviewer.call("POST", "/api/v1/reviews", {"action": "approve", "type": "x"},
                         headers={"Origin": "http://evil.example"})
check("a request from another origin is refused (403), token or not", is_error(st, j, 403), j)
st, j, _, _ = reviewer.call("POST", "/api/v1/session", {"login": "x"}, headers={
    "Origin": "http://evil.example"})
check("signing in from another origin is refused too", is_error(st, j, 403), j)

# Languages.
en = Client(server, lang="en-GB,en;q=0.9")
st, j = en.sign_in("admin", "wrong")
check("errors speak English to an English browser",
      st == 401 and j["error"]["message"].startswith("Wrong") is False and
      re.search(r"[A-Za-z]", j["error"]["message"]) and
      not re.search(r"[\u4e00-\u9fff]", j["error"]["message"]), j)
st, j = anon.sign_in("admin", "wrong")
check("and Chinese to a Chinese one", re.search(r"[\u4e00-\u9fff]", j["error"]["message"]), j)

# Roles: three separate duties, and the worklist by community.
st, j, _, _ = admin.get("/api/v1/audit")
check("the admin cannot read the audit log", is_error(st, j, 403, "permission_denied"), j)
st, j, _, _ = auditor.post("/api/v1/users", {"login": "x", "role": "viewer", "password": PASSWORD})
check("the auditor cannot add users", is_error(st, j, 403), j)
st, j, _, _ = auditor.get("/api/v1/items")
check("the auditor cannot read the worklist", is_error(st, j, 403), j)
st, j, _, _ = viewer.post("/api/v1/comparisons", {})
check("a viewer cannot start a comparison", is_error(st, j, 403), j)
st, j, _, _ = staff.post("/api/v1/apply", {})
check("community staff cannot apply", is_error(st, j, 403), j)

st, j, _, _ = staff.get("/api/v1/items?limit=500")
own_items = j["items"] if st == 200 else []
check("community staff list the items of their community only",
      st == 200 and own_items and all(i["community_code"].startswith(own[:9]) or
                                      i["community_code"] == own for i in own_items), (st, j))
st, j, _, _ = staff.get("/api/v1/items?community=" + other)
check("and not another community's (403)", is_error(st, j, 403, "permission_denied"), j)
st, j, _, _ = reviewer.get("/api/v1/items?community=%s&limit=1" % other)
other_item = j["items"][0]["id"]
st, j, _, _ = staff.get("/api/v1/items/%d" % other_item)
check("nor read another community's item (403)", is_error(st, j, 403), j)
st, j, _, _ = staff.post("/api/v1/items/%d/review" % other_item, {"action": "verify"})
check("nor verify it (403)", is_error(st, j, 403), j)
st, j, _, _ = staff.post("/api/v1/reviews", {"action": "verify", "community": other})
check("nor verify another community's items in bulk (403)", is_error(st, j, 403), j)

# Masking.
st, j, _, _ = clerk.get("/api/v1/items?type=missing_in_register&limit=5")
whole = [i["source_id_number"] for i in j["items"]]
st, j, _, _ = viewer.get("/api/v1/items?type=missing_in_register&limit=5")
masked = [i["source_id_number"] for i in j["items"]]
check("the clerk sees ID numbers whole; a viewer sees them masked (350902********1234)",
      whole and all(re.fullmatch(r"\d{17}[\dX]", w) for w in whole) and
      all(re.fullmatch(r"\d{6}\*{8}[\dX*]{4}", m) for m in masked) and
      [w[:6] + w[-4:] for w in whole] == [m[:6] + m[-4:] for m in masked], (whole, masked))
st, j, _, _ = viewer.get("/api/v1/items/%d" % other_item)
check("masked in an item's proposal and evidence as well",
      st == 200 and not re.search(r"(?<!\d)\d{17}[\dX](?!\d)", json.dumps(j, ensure_ascii=False)),
      j)

# -- the worklist by keyset ------------------------------------------------------------------------
st, first, _, _ = reviewer.get("/api/v1/items?limit=37&total=true")
seen, after, pages = [], None, 0
while True:
    q = "/api/v1/items?limit=37" + ("&after=" + after if after else "")
    st, j, _, _ = reviewer.get(q)
    if st != 200:
        break
    seen += [i["id"] for i in j["items"]]
    pages += 1
    after = j["next"]
    if not after:
        break
check("paging by keyset visits every item once, in order (%d items, %d pages)" % (
    len(seen), pages), st == 200 and len(seen) == first["total"] == len(set(seen)) and
      seen == sorted(seen) and pages > 3, (st, len(seen), first.get("total")))
st, j, _, _ = reviewer.get(
    "/api/v1/items?sort=probability&order=desc&limit=100&type=field_mismatch")
probs = [i["match_probability"] for i in j["items"]]
check("sorted by probability, highest first", st == 200 and probs and probs == sorted(
    probs, reverse=True), probs[:10])
st, every, _, _ = reviewer.get("/api/v1/items?limit=1&total=true")
st, j, _, _ = reviewer.get("/api/v1/items?min_probability=0.99&limit=500&total=true")
check("the least probability keeps the items linked at least so probably, and counts them",
      st == 200 and j["items"] and all(i["match_probability"] is not None and
                                       i["match_probability"] >= 0.99 for i in j["items"]) and
      len(j["items"]) <= j["total"] < every["total"], (st, j.get("total"), every.get("total")))
st, counts, _, _ = reviewer.get("/api/v1/items/counts?min_probability=0.99")
check("and so do the counts", st == 200 and counts["total"] == j["total"], (counts, j["total"]))
st, j, _, _ = reviewer.get("/api/v1/items?min_probability=1.5")
check("a least probability over 1 is a 400 naming it", is_error(st, j, 400) and
      "min_probability" in j["error"]["details"]["reason"], j)
st, j, _, _ = reviewer.get("/api/v1/items?sort=nonsense")
check("an unknown sort key is a 400 naming it", is_error(st, j, 400) and "nonsense" in
      j["error"]["details"]["reason"], j)
st, j, _, _ = reviewer.get("/api/v1/items?limit=100000")
check("a page over 500 is refused", is_error(st, j, 400), j)

# -- reviewing ---------------------------------------------------------------------------------
item = own_items[0]
st, j, _, _ = staff.get("/api/v1/items/%d" % item["id"])
check("an item comes with its evidence, explanation and review history",
      st == 200 and "evidence" in j and "reviews" in j and j["id"] == item["id"], j)
st, j, _, _ = staff.post("/api/v1/items/%d/review" % item["id"], {"action": "verify",
                                                                  "note": "checked at home"})
check("community staff verify an item of theirs", st == 200 and j["item"]["status"] ==
      "verified", j)
st, j, _, _ = staff.post("/api/v1/items/%d/review" % item["id"], {"action": "approve"})
check("but cannot approve it (403)", is_error(st, j, 403), j)
st, j, _, _ = reviewer.post("/api/v1/items/%d/review" % item["id"], {"action": "approve"})
check("the reviewer approves it", st == 200 and j["item"]["status"] == "approved", j)
st, j, _, _ = reviewer.post("/api/v1/items/%d/review" % item["id"], {"action": "approve"})
check("an action the state does not allow is 409 with the reason",
      is_error(st, j, 409, "failed_precondition"), j)
st, j, _, _ = reviewer.post("/api/v1/items/999999999/review", {"action": "approve"})
check("an unknown item is 404", is_error(st, j, 404, "not_found"), j)
st, j, _, _ = reviewer.post("/api/v1/items/%d/review" % item["id"], {"action": "bless"})
check("an unknown action is 400", is_error(st, j, 400, "invalid_argument"), j)
st, j, _, _ = reviewer.call("POST", "/api/v1/items/%d/review" % item["id"], raw=b"{not json",
                         content_type="application/json")
check("a body that is not JSON is 400", is_error(st, j, 400, "invalid_argument"), j)

# Items ticked in a list, by id, in one transaction.
ticked = [i["id"] for i in own_items if i["status"] == "open" and i["id"] != item["id"]][:2]
st, j, _, _ = staff.post("/api/v1/reviews", {"action": "verify", "items": ticked + [999999999]})
check("items ticked by id are verified together; an id that is no item is skipped, with why",
      st == 200 and j["changed"] == 2 and len(j["skipped"]) == 1 and "999999999" in
      j["skipped"][0], j)
st, j, _, _ = staff.post("/api/v1/reviews", {"action": "reopen", "items": ticked + [other_item]})
check("one ticked item of another community refuses them all (403)", is_error(st, j, 403), j)
st, j, _, _ = staff.get("/api/v1/items/%d" % ticked[0])
check("and the others stay as they were", st == 200 and j["status"] == "verified", j)
for bad in ([], ["12"], [0], list(range(1, 10003))):
    st, j, _, _ = staff.post("/api/v1/reviews", {"action": "verify", "items": bad})
    check("ticked ids %s are refused (400)" % (repr(bad)[:20]), is_error(st, j, 400), j)

# A correction proposed from the household card.
st, j, _, _ = staff.get("/api/v1/households?limit=1&community=" + own)
card = j["households"][0]["card_no"]
st, j, _, _ = staff.get("/api/v1/households/" + card)
member = j["persons"][0]
st, j, _, _ = staff.post("/api/v1/corrections", {"person": member["key"], "note": "入户核实",
                                                 "set": {"relation": "更正后关系",
                                                         "sex": member["sex"]}})
check("a correction from the card is an item per value that differs, verified by its raiser",
      st == 201 and len(j["items"]) == 1 and j["items"][0]["type"] == "card_correction" and
      j["items"][0]["status"] == "verified" and j["items"][0]["field"] == "relation", (st, j))
st, j, _, _ = staff.post("/api/v1/corrections", {"person": member["key"], "note": "再次",
                                                 "set": {"relation": "另一个"}})
check("the same field again while the first is reviewed is 409", is_error(st, j, 409), j)
st, j, _, _ = staff.post("/api/v1/corrections", {"person": member["key"], "note": "x",
                                                 "set": {"id_number": "350902198503021235"}})
check("an ID number failing GB 11643 is 400 naming it", is_error(st, j, 400) and
      "GB 11643" in j["error"]["details"]["reason"], j)
st, j, _, _ = staff.post("/api/v1/corrections", {"person": member["key"], "note": "",
                                                 "set": {"name": "张三"}})
check("a correction without a note is 400", is_error(st, j, 400), j)

st, j, _, _ = reviewer.post("/api/v1/apply", {"item": item["id"], "note": "via the API"})
check("applying is a job (202 with its address)", st == 202 and j["href"].endswith(
    str(j["job"])), j)
st, done = wait_job(reviewer, j["job"])
check("the job finishes with its result", st == 200 and done["state"] == "succeeded" and
      done["result"]["applied"] == 1, done)
st, j, _, _ = staff.get("/api/v1/jobs/%d" % done["id"])
check("another user does not see the reviewer's job (404)", is_error(st, j, 404), j)
st, j, _, _ = reviewer.post("/api/v1/items/%d/undo" % item["id"], {"note": "undo test"})
check("the reviewer undoes the applied item", st == 200 and j["changes"] >= 1, j)

# -- the register ---------------------------------------------------------------------------------
run("export", "--db", DB, "--kind", "register", "--out", os.path.join(WORK, "register.csv"),
    env=env)
register = list(csv.DictReader(open(os.path.join(WORK, "register.csv"), encoding="utf-8-sig")))
own_card = next(r["card_no"] for r in register if r["community_code"] == own)
other_card = next(r["card_no"] for r in register if r["community_code"] == other)
st, j, _, _ = staff.get("/api/v1/areas")
check("the areas, the user's own marked", st == 200 and any(
    a["code"] == own and a["yours"] for a in j["areas"]) and any(
    a["code"] == other and not a["yours"] for a in j["areas"]), j)
st, j, _, _ = staff.get("/api/v1/households?community=%s&limit=1000" % own)
cards = {h["card_no"] for h in j["households"]} if st == 200 else set()
expected_cards = {r["card_no"] for r in register if r["community_code"] == own}
check("community staff list their community's cards (%d)" % len(cards), cards == expected_cards,
      (st, len(cards), len(expected_cards)))
st, j, _, _ = staff.get("/api/v1/households?community=%s" % other)
check("but not another community's (403)", is_error(st, j, 403), j)
st, j, _, _ = staff.get("/api/v1/households/%s" % own_card)
check("one card with its persons and history", st == 200 and j["persons"] and
      j["persons"][0]["card_no"] == own_card and isinstance(j["history"], list), j)
st, j, _, _ = staff.get("/api/v1/households/%s" % other_card)
check("not another community's card (403)", is_error(st, j, 403), j)
st, j, _, _ = clerk.get("/api/v1/households/%s" % own_card)
person = j["persons"][0]
st, h, _, _ = staff.get("/api/v1/history?person=%s" % person["key"])
check("a person's history", st == 200 and h["person"]["key"] == person["key"], h)
st, h, _, _ = staff.get("/api/v1/history?person=%s" % other_card + "/1")
check("not another community's person's (403)", is_error(st, h, 403), h)
st, j, _, _ = viewer.get("/api/v1/households/%s" % own_card)
check("the viewer sees the card's ID numbers masked",
      st == 200 and all("*" in p["id_number"] for p in j["persons"] if p["id_number"]), j)
st, j, _, _ = viewer.post("/api/v1/persons/reveal", {"person": person["key"], "reason": "x check"})
check("a viewer may not reveal an ID number (403)", is_error(st, j, 403), j)
st, j, _, _ = reviewer.post("/api/v1/persons/reveal", {"person": person["key"]})
check("a reveal without a reason is refused (400)", is_error(st, j, 400), j)
st, j, _, _ = reviewer.post("/api/v1/persons/reveal", {"person": person["key"],
                                                    "reason": "家访核对身份证"})
check("a reviewer reveals one person's whole number, with a reason",
      st == 200 and j["id_number"] == person["id_number"], (j, person))
st, j, _, _ = staff.get("/api/v1/incomplete")
check("the incomplete persons of the staff's community", st == 200 and all(
    p["community_code"] == own for p in j["persons"]), j)
st, j, _, _ = reviewer.get("/api/v1/totals?as_of=2026-09-30")
check("the register's totals add up over the communities", st == 200 and j["all"]["persons"] ==
      sum(t["persons"] for t in j["by_community"].values()) > 0, j)

# -- uploads and jobs ----------------------------------------------------------------------------
births = open(os.path.join(district, "police_births.csv"), "rb").read()
# Not the bytes the CLI imported (those would be the same import again): the last row left out.
upload_bytes = births.rstrip(b"\r\n").rsplit(b"\n", 1)[0] + b"\n"
st, j, _, _ = upload(clerk, "出生登记 2026-09.csv", upload_bytes, kind="police_births",
                  month="2026-09")
st, done = wait_job(clerk, j["job"]) if st == 202 else (st, j)
check("the clerk uploads a department's file; the import job reports rows and month",
      st == 200 and done["state"] == "succeeded" and done["result"]["rows"] > 0 and
      not done["result"]["already_imported"] and
      done["result"]["file_name"] == "出生登记 2026-09.csv", done)
rows = list(csv.reader(io.StringIO(births.decode("utf-8-sig"))))
date_col = rows[0].index("出生日期")
rows[2][date_col] = "not a date"
out = io.StringIO()
csv.writer(out).writerows(rows[:5])
bad_file = out.getvalue().encode()
st, j, _, _ = upload(clerk, "births-bad.csv", bad_file, kind="police_births", strict="true")
st, done = wait_job(clerk, j["job"]) if st == 202 else (st, j)
msg = (done.get("error") or {}).get("message", "")
check("a bad row fails the import whole; the error names the file, row and column",
      done["state"] == "failed" and "births-bad.csv" in msg and "row 2" in msg and
      "birth_date" in msg and WORK not in msg, done)
st, j, _, _ = upload(clerk, "births.xlsx", births, kind="police_births")
check("a file named .xlsx that is text is refused (400)", is_error(st, j, 400), j)
st, j, _, _ = upload(clerk, "x.csv", b"\x00\x01\x02" * 10, kind="police_births")
check("a binary file that is no workbook is refused (400)", is_error(st, j, 400), j)
st, j, _, _ = upload(reviewer, "x.csv", b"a,b\n", kind="police_births")
check("a reviewer may not import (403)", is_error(st, j, 403), j)

# Profiles: listed with the kinds they read; an upload read through one by name.
st, j, _, _ = clerk.get("/api/v1/profiles")
listed = {p["name"]: p for p in j.get("profiles", [])} if st == 200 else {}
check("the profiles are listed with the kinds they read; a broken one says why without the "
      "server's folders", st == 200 and listed.get("births-own", {}).get("kinds") ==
      ["police_births"] and listed.get("police-population", {}).get("kinds") ==
      ["police_population"] and listed.get("broken", {}).get("kinds") == [] and
      "no_such_column" in (listed.get("broken", {}).get("problem") or "") and
      profiles not in json.dumps(j), j)
st, j, _, _ = viewer.get("/api/v1/profiles")
check("a viewer, who does not import, is refused the profiles (403)", is_error(st, j, 403), j)
last = births.decode("utf-8-sig").rstrip("\r\n").split("\n")
own_header = last[0].replace("出生日期", "婴儿出生日期")
assert own_header != last[0]
own_file = (own_header + "\n" + last[-1].rstrip("\r") + "\n").encode()
st, j, _, _ = upload(clerk, "births-own.csv", own_file, kind="police_births", strict="true")
st, done = wait_job(clerk, j["job"]) if st == 202 else (st, j)
check("without the profile the department's own header is a missing column",
      done.get("state") == "failed" and "birth_date" in (done.get("error") or {}).get(
          "message", ""), done)
st, j, _, _ = upload(clerk, "births-own.csv", own_file, kind="police_births", strict="true",
                  profile="births-own")
st, done = wait_job(clerk, j["job"]) if st == 202 else (st, j)
check("through the profile the same file imports its row",
      done.get("state") == "succeeded" and done["result"]["imported"] == 1, done)
for bad, status in [("../profiles/births-own", 400), ("/etc/passwd", 400), (".hidden", 400),
                    ("no-such-profile", 404)]:
    st, j, _, _ = upload(clerk, "births-own.csv", own_file, kind="police_births", profile=bad)
    check("the profile %r is refused (%d), no path reaches the file system" % (bad, status),
          is_error(st, j, status), j)
st, j, _, _ = upload(clerk, "births-own.csv", own_file, kind="police_births", profile="broken")
check("a broken profile is 400 naming its key, not the server's folder", is_error(st, j, 400) and
      "broken.toml: columns.no_such_column" in json.dumps(j, ensure_ascii=False) and
      profiles not in json.dumps(j), j)
st, j, _, _ = upload(clerk, "births-own.csv", own_file, kind="cremations",
                  profile="police-population")
check("a profile for another kind is 400", is_error(st, j, 400), j)

st, j, _, _ = clerk.get("/api/v1/imports")
check("the imports list shows the upload", st == 200 and any(
    i["file_name"] == "出生登记 2026-09.csv" for i in j["imports"]), j)

st, before, _, _ = clerk.get("/api/v1/comparisons")
st, j, _, _ = clerk.post("/api/v1/comparisons", {"as_of": "2026-09-30", "since": "2025-10-01"})
first_job = j["job"]
st2, j2, _, _ = clerk.post("/api/v1/comparisons", {"as_of": "2026-09-30"})
check("a second comparison while one runs is 409", is_error(st2, j2, 409, "conflict"), j2)
st, j, _, _ = clerk.call("DELETE", "/api/v1/jobs/%d" % first_job)
st, done = wait_job(clerk, first_job)
st, after, _, _ = clerk.get("/api/v1/comparisons")
check("a cancelled comparison leaves no comparison behind",
      done["state"] == "cancelled" and len(after["comparisons"]) == len(
          before["comparisons"]), (done, len(after["comparisons"])))
st, j, _, _ = clerk.post("/api/v1/comparisons", {"as_of": "2026-09-30", "since": "2025-10-01"})
st, done = wait_job(clerk, j["job"])
check("a comparison runs to the end as a job, with its counts",
      done["state"] == "succeeded" and done["result"]["items"] > 0 and
      done["result"]["comparison"] > 0, done)
st, j, _, _ = clerk.get("/api/v1/comparisons")
check("comparisons say the area they kept to ('' for all)", st == 200 and all(
    c["area"] == "" for c in j["comparisons"]), j)
st, j, _, _ = clerk.post("/api/v1/comparisons", {"as_of": "2026-09-30", "area": "350999999999"})
st, done = wait_job(clerk, j["job"]) if st == 202 else (st, j)
check("a comparison of an area the store does not know fails naming it",
      done.get("state") == "failed" and "350999999999" in json.dumps(done, ensure_ascii=False),
      done)
st, j, _, _ = clerk.post("/api/v1/comparisons", {"as_of": "yesterday"})
check("a bad date is 400 naming the field", is_error(st, j, 400) and "as_of" in
      j["error"]["details"]["reason"], j)

# -- reports --------------------------------------------------------------------------------------
st, j, _, _ = admin.post("/api/v1/campaigns", {"name": "户卡整理专项行动", "start": "2026-09-01"})
check("the admin adds a campaign; unset dates come from the template",
      st == 201 and j["reporting_deadline"] > j["start"], j)
campaign = j.get("id", 0)
st, j, _, _ = admin.call("PATCH", "/api/v1/campaigns/%d" % campaign, {"end": "2026-08-01"})
check("dates out of order are refused (400)", is_error(st, j, 400), j)
st, j, _, _ = viewer.post("/api/v1/campaigns", {"name": "x", "start": "2026-09-01"})
check("a viewer may not add a campaign (403)", is_error(st, j, 403), j)
st, j, _, _ = reviewer.get("/api/v1/reports/statistics?as_of=2026-09-30&since=2025-10-01")
check("the statistics as a table: the report's own columns and rows",
      st == 200 and len(j["columns"]) > 5 and len(j["rows"]) >= len(communities), (st, j))
st, _, h, _ = reviewer.call("GET", "/api/v1/reports/statistics?as_of=2026-09-30&format=xlsx")
check("the statistics workbook downloads (xlsx, named, a zip)",
      st == 200 and "spreadsheetml" in h.get("content-type", "") and
      "attachment" in h.get("content-disposition", ""), (st, h))
st, j, _, _ = reviewer.get("/api/v1/reports/progress?as_of=2026-10-15")
check("the campaign's progress as a table", st == 200 and j["rows"], j)
st, j, _, _ = reviewer.get("/api/v1/reports/intake?as_of=2026-10-15")
check("the monthly hand-over as a table", st == 200 and "columns" in j, j)
st, j, _, _ = reviewer.get("/api/v1/reports/assessment?year=2026")
check("the year-end assessment as a table", st == 200 and j["rows"], j)
st, _, _, pdf = reviewer.get("/api/v1/reports/bulletin?as_of=2026-10-15")
check("the bulletin downloads as a PDF", st == 200 and pdf.startswith(b"%PDF"), st)
st, j, _, _ = reviewer.get("/api/v1/reports/statistics?format=docx")
check("an unknown format is 400 naming the choices", is_error(st, j, 400) and "pdf" in
      j["error"]["details"]["reason"], j)
st, j, _, _ = staff.get("/api/v1/reports/statistics")
check("community staff do not get the district's statistics (403)", is_error(st, j, 403), j)


def download(client, path):
    st, _, _, body = client.get(path)
    return st, body


st, whole_csv = download(clerk, "/api/v1/reports/discrepancies?type=missing_in_register")
st2, masked_csv = download(viewer, "/api/v1/reports/discrepancies?type=missing_in_register")
st3, _, h, again = clerk.call("GET", "/api/v1/reports/discrepancies?type=missing_in_register",
                              headers={"Accept-Encoding": "gzip, deflate, br"})
check("a download is sent as it is even to a browser that accepts brotli (not compressed at "
      "every request)", st3 == 200 and "content-encoding" not in h and again == whole_csv and
      h.get("content-length") == str(len(whole_csv)), h)
id_re = rb"(?<![0-9])[0-9]{17}[0-9X](?![0-9])"
check("the discrepancy file: whole ID numbers for the clerk, masked for a viewer",
      st == 200 and st2 == 200 and re.search(id_re, whole_csv) and
      not re.search(id_re, masked_csv) and b"********" in masked_csv, (st, st2))
st, body = download(staff, "/api/v1/reports/discrepancies?community=" + own)
check("community staff export their own community's items", st == 200 and body, st)
st, body = download(staff, "/api/v1/reports/discrepancies?community=" + other)
check("and not another's (403)", st == 403, st)
st, body = download(staff, "/api/v1/reports/incomplete?community=%s&format=xlsx" % own)
check("the incomplete list downloads as a workbook", st == 200 and body.startswith(b"PK"), st)

st, j, _, _ = reviewer.post("/api/v1/books", {"community": own, "as_of": "2026-09-30"})
st, done = wait_job(reviewer, j["job"]) if st == 202 else (st, j)
files = done.get("result", {}).get("files", []) if done else []
check("printing a community's books is a job listing its files", done and done[
    "state"] == "succeeded" and files and files[0]["name"].startswith(own), done)
if files:
    st, pdf = download(reviewer, "/api/v1/jobs/%d/files/%s" % (done["id"], files[0]["name"]))
    check("a book downloads as a PDF", st == 200 and pdf.startswith(b"%PDF"), st)
    st, _ = download(reviewer, "/api/v1/jobs/%d/files/..%%2F..%%2Fetc%%2Fpasswd" % done["id"])
    check("a file name that is not the job's is 404 (no path from the request)", st == 404, st)
    st, _ = download(staff, "/api/v1/jobs/%d/files/%s" % (done["id"], files[0]["name"]))
    check("another user cannot download the job's files (404)", st == 404, st)

# -- users ------------------------------------------------------------------------------------------
st, j, _, _ = admin.post("/api/v1/users", {"login": "wang", "role": "community", "areas": [own],
                                        "password": "Temp-pass-9", "display_name": "王"})
check("the admin adds a user", st == 201 and j["must_change_password"], j)
st, j, _, _ = admin.post("/api/v1/users", {"login": "wang", "role": "viewer", "all_areas": True,
                                        "password": "Temp-pass-9"})
check("a login taken is 409", is_error(st, j, 409, "already_exists"), j)
st, j, _, _ = admin.post("/api/v1/users", {"login": "li", "role": "viewer", "all_areas": True,
                                        "password": "weakweak"})
check("a weak password is 400", is_error(st, j, 400), j)
wang = Client(server)
wang.sign_in("wang", "Temp-pass-9")
st, j, _, _ = admin.call("PATCH", "/api/v1/users/wang", {"disabled": True})
check("the admin disables a user", st == 200 and j["disabled"], j)
st, j, _, _ = wang.get("/api/v1/session")
check("whose session ends at once (401)", is_error(st, j, 401), j)
st, j, _, _ = admin.call("PATCH", "/api/v1/users/nobody", {"disabled": True})
check("an unknown user is 404", is_error(st, j, 404), j)

# Sign out everywhere.
second = Client(server)
second.sign_in("viewer", PASSWORD_2)
st, j, _, _ = viewer.call("DELETE", "/api/v1/sessions")
check("sign out everywhere ends every session of the user", st == 200 and j[
    "sessions_ended"] == 2 and is_error(*second.get("/api/v1/session")[:2], 401), j)
st, j, _, _ = reviewer.call("DELETE", "/api/v1/session")
check("signing out ends the session", st == 204 and is_error(*reviewer.get(
    "/api/v1/session")[:2], 401), st)

# -- the lockout -------------------------------------------------------------------------------
st, j, _, _ = admin.post("/api/v1/users", {"login": "zhao", "role": "viewer", "all_areas": True,
                                        "password": "Temp-pass-9"})
victim = Client(server)
tries = [victim.call("POST", "/api/v1/session", {"login": "zhao", "password": "wrong-%d" % i})
         for i in range(5)]
answers = [t[0] for t in tries]
check("four failures say only 'wrong'; the fifth, which locks, says until when",
      all("locked_until" not in t[1]["error"]["details"] for t in tries[:4]) and
      re.match(r"\d{4}-\d\d-\d\dT", tries[4][1]["error"]["details"].get("locked_until", "")),
      [t[1] for t in tries[3:]])
st, j, h, _ = victim.call("POST", "/api/v1/session", {"login": "zhao", "password": "Temp-pass-9"})
check("five failed sign-ins lock the account: the right password is refused (429) with when "
      "to try again, as fields and as Retry-After",
      answers == [401] * 5 and is_error(st, j, 429, "resource_exhausted") and
      "locked" in j["error"]["details"]["reason"] and
      j["error"]["details"]["locked_until"] == tries[4][1]["error"]["details"]["locked_until"] and
      800 <= j["error"]["details"]["retry_after_seconds"] <= 900 and
      h.get("retry-after") == str(j["error"]["details"]["retry_after_seconds"]), (answers, j, h))

# -- the audit log ------------------------------------------------------------------------------
st, j, _, _ = auditor.get("/api/v1/audit?limit=1000")
actions = [e["action"] for e in j["entries"]] if st == 200 else []
for a in ["session.sign_in", "session.sign_in_failed", "session.sign_in_refused",
          "session.sign_out", "session.sign_out_everywhere", "review", "user.add", "user.disable",
          "user.locked", "user.password", "person.reveal", "report.download"]:
    check("the audit log has %s entries" % a, a in actions, sorted(set(actions)))
st, j, _, _ = auditor.get("/api/v1/audit/verify")
check("the audit log's hash chain is intact", st == 200 and j["intact"] and j["rows"] > 20, j)
st, j, _, _ = auditor.get("/api/v1/audit?limit=5&order=asc")
st2, j2, _, _ = auditor.get("/api/v1/audit?limit=5&order=asc&after=%d" % j["next"])
check("the audit log pages by keyset", st2 == 200 and j2["entries"][0]["id"] > j["entries"][-1][
    "id"], (j, j2))

code, out, err = server.stop()
check("SIGTERM stops the server cleanly", code == 0 and "stopped" in out, (code, out, err))

# -- limits and timeouts on servers of their own ----------------------------------------------------
s2 = Server("--session-idle", "2s", "--session-max", "4s", "--sign-ins-per-minute", "3",
            "--max-upload-mb", "1")
c = Client(s2)
c.sign_in("auditor", PASSWORD_2)
time.sleep(2.5)
st, j, _, _ = c.get("/api/v1/session")
check("a session idle for longer than --session-idle ends (401)", is_error(st, j, 401), j)
c = Client(s2)
c.sign_in("auditor", PASSWORD_2)
alive = []
for _ in range(5):
    time.sleep(1)
    alive.append(c.get("/api/v1/session")[0])
check("a session ends at --session-max however busy", alive[0] == 200 and alive[-1] == 401,
      alive)
first_try = Client(s2).sign_in("nobody", "x")[0]
st, j, h, _ = Client(s2).call("POST", "/api/v1/session", {"login": "nobody", "password": "x"})
check("the address's sign-in limit (--sign-ins-per-minute 3) is reached: 429 with the wait",
      first_try == 401 and is_error(st, j, 429) and
      1 <= j["error"]["details"].get("retry_after_seconds", 0) <= 60 and
      h.get("retry-after") == str(j["error"]["details"]["retry_after_seconds"]), (first_try, j))
c2 = Client(s2)
st, j, _, _ = upload(c2, "big.csv", b"a," * (1 << 20), kind="police_births")
check("an upload over --max-upload-mb is refused (413, the error shape)",
      is_error(st, j, 413), (st, j))
s2.stop()

# Backups on a timer: one at start, then every --backup-every, the newest --backups-kept kept.
backups = os.path.join(WORK, "backups")
s5 = Server("--backup-dir", backups, "--backup-every", "2s", "--backups-kept", "2")
time.sleep(5.5)
s5.stop()
kept = sorted(f for f in os.listdir(backups) if f.startswith("popreg-")) if os.path.isdir(
    backups) else []
check("the server backs the store up on its timer and keeps the newest --backups-kept", len(
    kept) == 2 and all(f.endswith(".dump" if PG else ".db") for f in kept), kept)

# SIGTERM with a comparison running: the job is cancelled and nothing of it is kept.
s3 = Server()
c = Client(s3)
c.sign_in("clerk", PASSWORD_2)
st, j = c.sign_in("clerk", PASSWORD_2)
count_before = len(c.get("/api/v1/comparisons")[1]["comparisons"]) if st == 201 else -1
st, j, _, _ = c.post("/api/v1/comparisons", {"as_of": "2026-09-30", "since": "2025-10-01"})
time.sleep(0.2)
code, out, err = s3.stop()
listed = subprocess.run([POPREG, "imports", "--db", DB], capture_output=True, text=True,
                        env=dict(env, POPREG_USER="viewer"))
s4 = Server()
c = Client(s4)
c.sign_in("viewer", PASSWORD_2)
count_after = len(c.get("/api/v1/comparisons")[1]["comparisons"])
s4.stop()
check("SIGTERM during a comparison: the server stops cleanly and keeps no half comparison",
      code == 0 and count_before >= 0 and count_after == count_before,
      (code, count_before, count_after, err[-500:]))

finish("server_api")
