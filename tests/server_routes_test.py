#!/usr/bin/env python3
"""Every route of api/openapi.yaml against the one permission policy (docs/review.md, the table
of src/recon/policy.cc), through the real `popreg serve` on loopback.

The routes are read from api/openapi.yaml (with PyYAML: run with the project's venv, made by
scripts/bootstrap) and each must have an entry in MATRIX below, written from the documents, not
learned from the server: the policy action a route needs, whether a user of one area is limited
to it or refused (what belongs to no community needs a user of the whole district), and the
audit entry its success writes. A route without an entry, or an entry whose
checks did not all run, fails the test. For every route:

 1. success for the roles the policy allows: the documented 2xx status and the documented
    top-level fields (or, for a file, its documented headers);
 2. refusal for every role it does not allow: 403 with {"error": {"code", "message",
    "details"}} (a job and its files are their starter's: anyone else is told 404), whatever
    the request selects (nothing, or an id that does not exist, is no permission);
 3. the community: users of one community (community staff, a reviewer, a viewer and a clerk of
    one community) asking for another community's items, cards, persons, lists and files are
    refused (403, the error shape and nothing else), and what they may list holds their own
    community only;
 4. without a session 401; with a password still to be changed 403 (password_change_required),
    but for the session routes; a state-changing route without the CSRF token 403;
 5. the audit entry each auditable success writes (action, who, object), read by the auditor
    through GET /api/v1/audit; and no user has an entry of an action their role may not do.

usage: build/venv/bin/python3 server_routes_test.py POPREG WORK_DIR
With POPREG_TEST_DB_URL_BASE set to a PostgreSQL server's URL the store is a new database there
(dropped at the end); otherwise a SQLite file in WORK_DIR.
"""
import json
import os
import re
import subprocess
import time
import urllib.parse

from serve_lib import (HERE, PASSWORD, T0, Client, Server, add_user, check, finish,
                       import_district, is_error, load_spec, make_district, run, setup,
                       spec_routes, wait_job)
POPREG, WORK, PG, DB = setup("routes")
PROFILES_DIR = os.path.join(HERE, "..", "profiles")
PASSWORD_2 = "Popreg-test-2x"

# -- api/openapi.yaml -----------------------------------------------------------------------------
try:
    SPEC, spec_error = load_spec(), None
except Exception as e:  # not there, or not YAML
    SPEC, spec_error = {}, e
check("api/openapi.yaml is read (PyYAML)", spec_error is None and isinstance(SPEC, dict) and
      SPEC.get("paths"), spec_error)
SPEC_ROUTES = spec_routes(SPEC) if isinstance(SPEC, dict) else {}


def resolve(node):
    while isinstance(node, dict) and "$ref" in node:
        ref = node["$ref"]
        assert ref.startswith("#/"), ref
        node = SPEC
        for part in ref[2:].split("/"):
            node = node[part]
    return node


def required_of(schema):
    schema = resolve(schema)
    if not isinstance(schema, dict):
        return []
    out = list(schema.get("required", []))
    for part in schema.get("allOf", []):
        out += required_of(part)
    return out


def documented(key):
    """(2xx status, required top-level JSON fields, content types, headers) of a route."""
    op = SPEC_ROUTES[key]
    codes = [c for c in op["responses"] if str(c).startswith("2")]
    assert len(codes) == 1, (key, codes)
    resp = resolve(op["responses"][codes[0]])
    content = resp.get("content", {}) or {}
    js = content.get("application/json", {}) or {}
    return (int(codes[0]), required_of(js.get("schema")), list(content),
            [h for h in (resp.get("headers") or {})])


def needs_csrf(key):
    sec = SPEC_ROUTES[key].get("security")
    return bool(sec) and any("csrf" in s for s in sec)


def is_public(key):
    return SPEC_ROUTES[key].get("security") == []


# -- the policy, from docs/review.md (the table of src/recon/policy.cc) ---------------------------
ROLES = ["admin", "reviewer", "community", "clerk", "viewer", "auditor"]
POLICY = {
    "manage users": {"admin"},
    "change settings": {"admin"},
    "manage campaigns": {"admin", "reviewer"},
    "import": {"clerk"},
    "compare": {"clerk"},
    "read": {"reviewer", "community", "clerk", "viewer"},
    "export": {"reviewer", "community", "clerk", "viewer"},
    "verify": {"community"},
    "dispute": {"community"},
    "approve": {"reviewer"},
    "reject": {"reviewer"},
    "reopen": {"reviewer", "community"},
    "apply": {"reviewer"},
    "undo": {"reviewer"},
    "read the audit log": {"auditor"},
    "see whole ID numbers": {"clerk"},
    "reveal an ID number": {"reviewer"},
    "back up or restore the store": {"admin"},
}
ANY = "any signed-in user"
OWNER = "the job's starter"


def R(action, area=None, audit=None, variants=None):
    """A route's entry. action: a POLICY action, a tuple of them (any one will do), ANY or OWNER
    (None for the public routes).
    area: what a user of one community gets: "own" (their community; another's is 403), "district"
    (refused: it belongs to the whole district), "somewhere" (a list of district-wide things
    every user of the action may see) or None (the action alone decides). audit: the audit action
    its success writes. variants: for a route whose action is in its body, {body action: POLICY
    action}."""
    return {"action": action, "area": area, "audit": audit, "variants": variants}


REVIEW_VARIANTS = {"verify": "verify", "dispute": "dispute", "approve": "approve",
                   "reject": "reject", "reopen": "reopen"}
MATRIX = {
    "GET /api/v1/health": R(None),
    "POST /api/v1/session": R(None, audit="session.sign_in"),
    "GET /api/v1/session": R(ANY),
    "DELETE /api/v1/session": R(ANY, audit="session.sign_out"),
    "DELETE /api/v1/sessions": R(ANY, audit="session.sign_out_everywhere"),
    "POST /api/v1/session/password": R(ANY, audit="user.password"),
    "GET /api/v1/users": R("manage users"),
    "POST /api/v1/users": R("manage users", audit="user.add"),
    "PATCH /api/v1/users/{login}": R("manage users", audit="user.disable"),
    "GET /api/v1/audit": R("read the audit log"),
    "GET /api/v1/audit/verify": R("read the audit log"),
    "GET /api/v1/items": R("read", area="own"),
    "GET /api/v1/items/counts": R("read", area="own"),
    "GET /api/v1/items/{id}": R("read", area="own"),
    "POST /api/v1/items/{id}/review": R(None, area="own", audit="review",
                                         variants=REVIEW_VARIANTS),
    "POST /api/v1/items/{id}/undo": R("undo", area="own", audit="review"),
    "POST /api/v1/reviews": R(None, area="own", audit="review", variants=REVIEW_VARIANTS),
    # docs/review.md: a correction raised from the card is an item verified by its raiser.
    "POST /api/v1/corrections": R("verify", area="own", audit="review"),
    "GET /api/v1/jobs": R(ANY),
    "GET /api/v1/jobs/{id}": R(OWNER),
    "DELETE /api/v1/jobs/{id}": R(OWNER),
    # Lists of what belongs to the whole district (comparisons, imports, areas, campaigns,
    # profiles) are shown to every user the action allows, of one community too: read as the
    # lists a worker needs (the areas are documented as "each marked when it is the user's").
    "GET /api/v1/comparisons": R("read", area="somewhere"),
    "POST /api/v1/comparisons": R("compare", area="district"),
    "GET /api/v1/imports": R("read", area="somewhere"),
    # docs/review.md: imports are in the audit log (action import, object "import N").
    "POST /api/v1/imports": R("import", area="district", audit="import"),
    "GET /api/v1/profiles": R("import", area="somewhere"),
    "POST /api/v1/apply": R("apply", area="own", audit="review"),
    "GET /api/v1/areas": R("read", area="somewhere"),
    "GET /api/v1/households": R("read", area="own"),
    "GET /api/v1/households/{card}": R("read", area="own"),
    "GET /api/v1/history": R("read", area="own"),
    "POST /api/v1/persons/reveal": R("reveal an ID number", area="own", audit="person.reveal"),
    "GET /api/v1/incomplete": R("read", area="own"),
    "GET /api/v1/totals": R("read", area="own"),
    "GET /api/v1/reports/statistics": R("read", area="own", audit="report.download"),
    "GET /api/v1/reports/progress": R("read", area="district"),
    "GET /api/v1/reports/intake": R("read", area="district"),
    "GET /api/v1/reports/assessment": R("read", area="district"),
    "GET /api/v1/reports/bulletin": R("read", area="district", audit="report.download"),
    "GET /api/v1/reports/discrepancies": R("export", area="own", audit="report.download"),
    "GET /api/v1/reports/incomplete": R("export", area="own", audit="report.download"),
    # The campaigns' dates are read by every role that reads (docs/review.md), and by those who
    # set them: the admin too.
    "GET /api/v1/campaigns": R(("read", "manage campaigns"), area="somewhere"),
    "POST /api/v1/campaigns": R("manage campaigns", area="district", audit="campaign.add"),
    "PATCH /api/v1/campaigns/{id}": R("manage campaigns", area="district", audit="campaign.set"),
    "POST /api/v1/books": R("export", area="own"),
    "GET /api/v1/jobs/{id}/files/{name}": R(OWNER, audit="report.download"),
}
# What ran for each route, checked at the end against what its entry asks.
ran = {k: {"success": set(), "denied": set(), "401": False, "area": set(), "audit": False,
           "must_change": False, "csrf": False} for k in MATRIX}


def allowed_roles(key, variant=None):
    e = MATRIX[key]
    action = e["variants"][variant] if variant else e["action"]
    if action in (None, ANY):
        return set(ROLES)
    if isinstance(action, tuple):
        return set().union(*(POLICY[a] for a in action))
    return POLICY[action]


missing = sorted(set(SPEC_ROUTES) - set(MATRIX))
stale = sorted(set(MATRIX) - set(SPEC_ROUTES))
check("every route of api/openapi.yaml (%d) has an entry in the matrix" % len(SPEC_ROUTES),
      SPEC_ROUTES and not missing, "no entry: %s" % missing)
check("every entry of the matrix is a route of api/openapi.yaml", not stale, stale)
if missing or stale or spec_error:
    # Nothing else is meaningful until the matrix and the document agree.
    finish("server_routes", "the matrix does not match api/openapi.yaml: ")
check("each public route is documented without security, and only those",
      sorted(k for k in SPEC_ROUTES if is_public(k)) ==
      sorted(k for k in MATRIX if MATRIX[k]["action"] is None and not MATRIX[k]["variants"]),
      [k for k in SPEC_ROUTES if is_public(k)])


def q(s):
    return urllib.parse.quote(str(s), safe="")


# -- the district --------------------------------------------------------------------------------
district, communities = make_district()
OWN, OTHER = communities[0], communities[-1]
if OWN == OTHER:
    raise SystemExit("the generated district has one community; the test needs two")
# One user per role of the whole district (but community staff, who have one community), users
# of one community for the roles that may read, and one who never changes the given password.
USERS = [("reviewer", "reviewer", False), ("staff", "community", True), ("clerk", "clerk", False),
         ("viewer", "viewer", False), ("auditor", "auditor", False),
         ("reviewer1", "reviewer", True), ("viewer1", "viewer", True), ("clerk1", "clerk", True)]
for login, role, limited in USERS:
    add_user(login, role, *(["--area", OWN] if limited else ["--all-areas"]))
add_user("newbie", "viewer", "--all-areas")
add_user("staff2", "community", "--area", OTHER)
import_district(district)
print("# district, store and comparison ready in %.0f s" % (time.time() - T0))

extra = ["--sign-ins-per-minute", "1000"]
if "--profiles-dir" in subprocess.run([POPREG, "serve", "--help"], capture_output=True,
                                      text=True).stdout and os.path.isdir(PROFILES_DIR):
    extra += ["--profiles-dir", PROFILES_DIR]
server = Server(*extra)
anon = Client(server)

served = [r for r in run("serve", "--routes").split("\n") if r]
check("the server serves exactly the routes of the matrix (none untested)",
      set(served) == set(MATRIX),
      "served, no entry: %s; entry, not served: %s" % (sorted(set(served) - set(MATRIX)),
                                                       sorted(set(MATRIX) - set(served))))


def who_is(c):
    if not isinstance(c, Client):
        return c
    return "%s (%s%s)" % (c.login, c.role, " of %s" % OWN if c.limited else "")


def succeeded(key, c, st, j, h, raw=b"", label="", variant=None):
    """Checks a success of user `c` (a Client, or words for anyone) against api/openapi.yaml's
    2xx: the status, the required top-level fields, or a file's type and headers."""
    status, required, types, headers = documented(key)
    why = []
    if st != status:
        why.append("status %s, documented %d" % (st, status))
    elif status != 204:
        ctype = h.get("content-type", "").split(";")[0].strip()
        if types and ctype not in types:
            why.append("content type %r, documented %s" % (ctype, types))
        if ctype == "application/json" and required:
            lacking = [f for f in required if not isinstance(j, dict) or f not in j]
            if lacking:
                why.append("fields %s missing" % lacking)
        for name in headers:
            if name.lower() not in h:
                why.append("header %s missing" % name)
    ok = check("%s: %s succeeds%s%s (%d, documented fields)" % (
        key, who_is(c), " to " + variant if variant else "", label, status), not why,
        (why, j if j is not None else raw[:300]))
    if ok:
        ran[key]["success"].add((c.role if isinstance(c, Client) else c, variant))
    return ok


def refused(key, c, st, j, label="", status=403, code="permission_denied"):
    return check("%s: %s is refused%s (%d, the error shape)" % (key, who_is(c), label, status),
                 is_error(st, j, status, code), (st, j))


# Sign in as each user and set one's own password (POST /session, POST /session/password).
def signed_in(login, role, limited=False):
    c = Client(server, login, role, limited)
    st, j, h, _ = c.call("POST", "/api/v1/session", {"login": login, "password": PASSWORD})
    if not succeeded("POST /api/v1/session", c, st, j, h):
        raise SystemExit("cannot sign in as %s" % login)
    c.csrf = j["csrf_token"]
    st, j, h, _ = c.call("POST", "/api/v1/session/password",
                         {"current_password": PASSWORD, "new_password": PASSWORD_2})
    if succeeded("POST /api/v1/session/password", c, st, j, h):
        c.csrf = j["csrf_token"]
        c.password = PASSWORD_2
    return c


admin = signed_in("admin", "admin")
U = {"admin": admin}
LIMITED = {}
for login, role, limited in USERS:
    c = signed_in(login, role, limited)
    if limited and role != "community":
        LIMITED[role] = c
    else:
        U[role] = c
LIMITED["community"] = U["community"]
staff, reviewer, clerk, viewer, auditor = (U[r] for r in ["community", "reviewer", "clerk",
                                                          "viewer", "auditor"])
newbie = Client(server, "newbie", "viewer")
newbie.sign_in()
EVERYONE = list(U.values()) + [LIMITED[r] for r in ["reviewer", "viewer", "clerk"]]


def audit_mark():
    st, j, _, _ = auditor.call("GET", "/api/v1/audit?limit=1&order=desc")
    return j["entries"][0]["id"] if st == 200 and j["entries"] else 0


def audited(key, mark, who, action, obj=None, label=""):
    """An audit entry after `mark` by `who` of `action` (on `obj`, when given)."""
    st, j, _, _ = auditor.call("GET", "/api/v1/audit?order=asc&limit=1000&after=%d&who=%s&"
                                      "action=%s" % (mark, q(who), q(action)))
    entries = j["entries"] if st == 200 else []
    hit = [e for e in entries if e["who"] == who and e["action"] == action and
           (obj is None or e["object"] == obj)]
    detail = ""
    if not hit:
        st2, j2, _, _ = auditor.call("GET", "/api/v1/audit?order=asc&limit=40&after=%d" % mark)
        detail = (st, "after the mark: %s" % [(e["who"], e["action"], e["object"]) for e in (
            j2["entries"] if st2 == 200 else [])])
    ok = check("%s: the audit log has %s by %s%s%s" % (
        key, action, who, " on %s" % (obj,) if obj else "", label), hit, detail)
    if ok:
        ran[key]["audit"] = True
    return ok


# -- the fixtures: items, cards and persons of the two communities --------------------------------
def items_of(community, status="open", limit=500):
    st, j, _, _ = clerk.call("GET", "/api/v1/items?community=%s&status=%s&limit=%d" % (
        community, status, limit))
    return j["items"] if st == 200 else []


own_open = items_of(OWN)
other_items = items_of(OTHER, "open", 5)
if len(own_open) < 8 or len(other_items) < 2:
    raise SystemExit("too few items: %d open in %s, %d in %s" % (len(own_open), OWN,
                                                                  len(other_items), OTHER))
# A: verified by staff, approved, applied and undone (a field_mismatch applies cleanly); B:
# disputed and reopened by staff; C: rejected and reopened by a reviewer; D: the same round as
# A by the reviewer of one community; H: a household whose items are reviewed in bulk.
by_type = sorted(own_open, key=lambda i: (i["type"] != "field_mismatch", i["id"]))
A, D = by_type[0]["id"], by_type[1]["id"]
rest = [i for i in own_open if i["id"] not in (A, D)]
B, C = rest[0]["id"], rest[1]["id"]
used_cards = {i["register_key"].split("/")[0] for i in own_open if i["id"] in (A, B, C, D) and
              i["register_key"]}
cards = []  # cards of open items of none of A-D: H, then H2 (disputed, rejected, reopened)
for i in rest[2:]:
    card = i["register_key"].split("/")[0]
    if i["register_key"] and card not in used_cards and card not in cards:
        cards.append(card)
H, H2 = (cards + [None, None])[:2]
OTHER_ITEM = other_items[0]["id"]
# Staff of the other community verify one of its items, so that a bulk approval there selects
# something (a refusal must not be an empty selection's).
staff2 = signed_in("staff2", "community", True)
st, j, _, _ = staff2.call("POST", "/api/v1/items/%d/review" % other_items[1]["id"],
                          {"action": "verify"})
check("staff of %s verify an item of theirs" % OTHER, st == 200, j)
FX = {"own": {"community": OWN, "item": A}, "other": {"community": OTHER, "item": OTHER_ITEM}}
for t in ("own", "other"):
    st, j, _, _ = clerk.call("GET", "/api/v1/households?community=%s&limit=5" % FX[t]["community"])
    FX[t]["card"] = j["households"][0]["card_no"]
    st, j, _, _ = clerk.call("GET", "/api/v1/households/%s" % FX[t]["card"])
    FX[t]["person"] = j["persons"][0]["key"]
births = open(os.path.join(district, "police_births.csv"), "rb").read()
UPLOAD = births.rstrip(b"\r\n").rsplit(b"\n", 1)[0] + b"\n"  # not the bytes the CLI imported
TEMP_USER = "temp-user"
STATE = {"campaign": 0, "job": 0, "cmp_job": 0, "files_job": 0, "file": "none.pdf"}


CORRECTIONS = iter([{"name": "更正甲"}, {"relation": "更正乙"}, {"ethnicity": "更正丙"},
                    {"birth_date": "1901-02-03"}, {"sex": "M"}, {"sex": "F"}] + [
                   {"name": "更正%d" % n} for n in range(200)])


def next_correction():
    return next(CORRECTIONS)


def target(c, t):
    """The target community of a request: `t` if given, else the user's own for a user of one
    community (None: no community parameter)."""
    return t if t else ("own" if c.limited else None)


def cq(c, t, name="community", sep="&"):
    t = target(c, t)
    return sep + name + "=" + FX[t]["community"] if t else ""


# Each route's request, as a user (a Client) would make it: (method, path, body, raw bytes).
# `t` is "own" or "other" for the community asked for; `v` the body's action for the review
# routes. The same request serves the success, the refusals and the anonymous call.
REQ = {
    "GET /api/v1/health": lambda c, t, v: ("GET", "/api/v1/health", None, None),
    "POST /api/v1/session": lambda c, t, v: (
        "POST", "/api/v1/session", {"login": c.login or "admin", "password": "x"}, None),
    "GET /api/v1/session": lambda c, t, v: ("GET", "/api/v1/session", None, None),
    "DELETE /api/v1/session": lambda c, t, v: ("DELETE", "/api/v1/session", None, None),
    "DELETE /api/v1/sessions": lambda c, t, v: ("DELETE", "/api/v1/sessions", None, None),
    "POST /api/v1/session/password": lambda c, t, v: (
        "POST", "/api/v1/session/password",
        {"current_password": c.password, "new_password": "Another-pass-3"}, None),
    "GET /api/v1/users": lambda c, t, v: ("GET", "/api/v1/users", None, None),
    "POST /api/v1/users": lambda c, t, v: (
        "POST", "/api/v1/users", {"login": "x-%s" % c.login, "role": "viewer", "all_areas": True,
                                  "password": "Temp-pass-9"}, None),
    "PATCH /api/v1/users/{login}": lambda c, t, v: (
        "PATCH", "/api/v1/users/" + TEMP_USER, {"disabled": True}, None),
    "GET /api/v1/audit": lambda c, t, v: ("GET", "/api/v1/audit?limit=5", None, None),
    "GET /api/v1/audit/verify": lambda c, t, v: ("GET", "/api/v1/audit/verify", None, None),
    "GET /api/v1/items": lambda c, t, v: ("GET", "/api/v1/items?limit=50" + cq(c, t), None, None),
    "GET /api/v1/items/counts": lambda c, t, v: (
        "GET", "/api/v1/items/counts" + cq(c, t, sep="?"), None, None),
    "GET /api/v1/items/{id}": lambda c, t, v: (
        "GET", "/api/v1/items/%d" % FX[t or "own"]["item"], None, None),
    "POST /api/v1/items/{id}/review": lambda c, t, v: (
        "POST", "/api/v1/items/%d/review" % FX[t or "own"]["item"], {"action": v or "verify"},
        None),
    "POST /api/v1/items/{id}/undo": lambda c, t, v: (
        "POST", "/api/v1/items/%d/undo" % FX[t or "own"]["item"], {"note": "undo"}, None),
    "POST /api/v1/reviews": lambda c, t, v: (
        "POST", "/api/v1/reviews",
        {"action": v or "verify", "household": H} if not t else
        {"action": v or "verify", "community": FX[t]["community"]}, None),
    "GET /api/v1/jobs": lambda c, t, v: ("GET", "/api/v1/jobs", None, None),
    "GET /api/v1/jobs/{id}": lambda c, t, v: ("GET", "/api/v1/jobs/%d" % STATE["job"], None,
                                              None),
    "DELETE /api/v1/jobs/{id}": lambda c, t, v: (
        "DELETE", "/api/v1/jobs/%d" % STATE["cmp_job"], None, None),
    "GET /api/v1/comparisons": lambda c, t, v: ("GET", "/api/v1/comparisons", None, None),
    "POST /api/v1/comparisons": lambda c, t, v: (
        "POST", "/api/v1/comparisons", {"as_of": "2026-09-30", "since": "2025-10-01"}, None),
    "GET /api/v1/imports": lambda c, t, v: ("GET", "/api/v1/imports", None, None),
    "POST /api/v1/imports": lambda c, t, v: (
        "POST", "/api/v1/imports?kind=police_births&month=2026-09&name=%s" % q(
            "births-%s.csv" % (c.login or "anon")), None, UPLOAD),
    "GET /api/v1/profiles": lambda c, t, v: ("GET", "/api/v1/profiles", None, None),
    "POST /api/v1/apply": lambda c, t, v: (
        "POST", "/api/v1/apply",
        {"item": A, "note": "via the API"} if not t else {"community": FX[t]["community"]},
        None),
    "GET /api/v1/areas": lambda c, t, v: ("GET", "/api/v1/areas", None, None),
    "GET /api/v1/households": lambda c, t, v: (
        "GET", "/api/v1/households?limit=1000&community=" + FX[t or "own"]["community"], None,
        None),
    "GET /api/v1/households/{card}": lambda c, t, v: (
        "GET", "/api/v1/households/" + FX[t or "own"]["card"], None, None),
    "GET /api/v1/history": lambda c, t, v: (
        "GET", "/api/v1/history?person=" + q(FX[t or "own"]["person"]), None, None),
    # Each request corrects another field (the one before is still open to review: the same
    # field of the same person again would be a 409) to a value no card has.
    "POST /api/v1/corrections": lambda c, t, v: (
        "POST", "/api/v1/corrections",
        {"person": FX[t or "own"]["person"], "set": next_correction(), "note": "入户核实"}, None),
    "POST /api/v1/persons/reveal": lambda c, t, v: (
        "POST", "/api/v1/persons/reveal", {"person": FX[t or "own"]["person"],
                                           "reason": "家访核对身份证"}, None),
    "GET /api/v1/incomplete": lambda c, t, v: (
        "GET", "/api/v1/incomplete?as_of=2026-09-30" + cq(c, t), None, None),
    "GET /api/v1/totals": lambda c, t, v: (
        "GET", "/api/v1/totals?as_of=2026-09-30" + cq(c, t), None, None),
    "GET /api/v1/reports/statistics": lambda c, t, v: (
        "GET", "/api/v1/reports/statistics?as_of=2026-09-30&since=2025-10-01" + cq(c, t, "area"),
        None, None),
    "GET /api/v1/reports/progress": lambda c, t, v: (
        "GET", "/api/v1/reports/progress?as_of=2026-10-15", None, None),
    "GET /api/v1/reports/intake": lambda c, t, v: (
        "GET", "/api/v1/reports/intake?as_of=2026-10-15", None, None),
    "GET /api/v1/reports/assessment": lambda c, t, v: (
        "GET", "/api/v1/reports/assessment?year=2026", None, None),
    "GET /api/v1/reports/bulletin": lambda c, t, v: (
        "GET", "/api/v1/reports/bulletin?as_of=2026-10-15", None, None),
    "GET /api/v1/reports/discrepancies": lambda c, t, v: (
        "GET", "/api/v1/reports/discrepancies?format=csv" + cq(c, t), None, None),
    "GET /api/v1/reports/incomplete": lambda c, t, v: (
        "GET", "/api/v1/reports/incomplete?format=csv&as_of=2026-09-30" + cq(c, t), None, None),
    "GET /api/v1/campaigns": lambda c, t, v: ("GET", "/api/v1/campaigns", None, None),
    "POST /api/v1/campaigns": lambda c, t, v: (
        "POST", "/api/v1/campaigns", {"name": "专项行动 %s" % (c.login or ""),
                                      "start": "2026-09-01"}, None),
    "PATCH /api/v1/campaigns/{id}": lambda c, t, v: (
        "PATCH", "/api/v1/campaigns/%d" % max(STATE["campaign"], 1), {"handover_day": 5}, None),
    "POST /api/v1/books": lambda c, t, v: (
        "POST", "/api/v1/books", {"community": FX[t or "own"]["community"],
                                  "as_of": "2026-09-30"}, None),
    "GET /api/v1/jobs/{id}/files/{name}": lambda c, t, v: (
        "GET", "/api/v1/jobs/%d/files/%s" % (STATE["files_job"], q(STATE["file"])), None, None),
}
check("every route of the matrix has its request", set(REQ) == set(MATRIX),
      set(MATRIX) ^ set(REQ))


def deny_roles(key, variant=None, t=None, skip=()):
    """Every main user whose role the policy does not allow `key` (with `variant`) is refused."""
    allow = allowed_roles(key, variant)
    for role in ROLES:
        if role in allow or role in skip:
            continue
        c = U[role]
        st, j, _, _ = c.do(REQ[key](c, t, variant))
        if refused(key, c, st, j,
                   " to %s" % variant if variant else ""):
            ran[key]["denied"].add((role, variant))


def read_all(key, check_rows=None):
    """A read-only route for every main user: the allowed succeed, the others are refused."""
    e = MATRIX[key]
    allow = allowed_roles(key)
    for role in ROLES:
        c = U[role]
        st, j, h, raw = c.do(REQ[key](c, None, None))
        district_only = c.limited and e["area"] == "district"
        if role in allow and not district_only:
            if succeeded(key, c, st, j, h, raw) and check_rows:
                check_rows(c, j, raw)
        elif role in allow:
            if refused(key, c, st, j,
                       ", this being the whole district's"):
                ran[key]["area"].add(role)
        else:
            if refused(key, c, st, j):
                ran[key]["denied"].add((role, None))


# -- 4. without a session, with a given password, without the CSRF token ----------------------
for key in MATRIX:
    if is_public(key):
        continue
    st, j, _, _ = anon.do(REQ[key](anon, None, None))
    if check("%s: without a session 401 (the error shape)" % key,
             is_error(st, j, 401, "unauthenticated"), (st, j)):
        ran[key]["401"] = True
forged = Client(server)
forged.cookie = "popreg_session=" + "A" * 43
st, j, _, _ = forged.call("GET", "/api/v1/items")
check("a session cookie the server never gave is 401", is_error(st, j, 401, "unauthenticated"),
      (st, j))

PASSWORD_ONLY = {"GET /api/v1/session", "DELETE /api/v1/session", "DELETE /api/v1/sessions",
                 "POST /api/v1/session/password"}
for key in MATRIX:
    if is_public(key) or key in PASSWORD_ONLY:
        continue
    st, j, _, _ = newbie.do(REQ[key](newbie, None, None))
    if check("%s: a user who must still change the given password is refused (403, "
             "password_change_required)" % key,
             is_error(st, j, 403, "permission_denied") and
             j["error"]["details"].get("password_change_required") is True, (st, j)):
        ran[key]["must_change"] = True
st, j, h, _ = newbie.call("GET", "/api/v1/session")
if succeeded("GET /api/v1/session", "newbie (a given password)", st, j, h):
    check("GET /api/v1/session: says the password must be changed", j["must_change_password"])
    ran["GET /api/v1/session"]["must_change"] = True

# The CSRF token, on every route api/openapi.yaml says needs it; asked by a user it allows.
CSRF_USER = {"DELETE /api/v1/session": viewer, "DELETE /api/v1/sessions": viewer,
             "POST /api/v1/session/password": viewer, "POST /api/v1/users": admin,
             "PATCH /api/v1/users/{login}": admin, "POST /api/v1/items/{id}/review": staff,
             "POST /api/v1/items/{id}/undo": reviewer, "POST /api/v1/reviews": staff,
             "DELETE /api/v1/jobs/{id}": clerk, "POST /api/v1/comparisons": clerk,
             "POST /api/v1/imports": clerk, "POST /api/v1/apply": reviewer,
             "POST /api/v1/persons/reveal": reviewer, "POST /api/v1/campaigns": admin,
             "PATCH /api/v1/campaigns/{id}": admin, "POST /api/v1/books": staff,
             "POST /api/v1/corrections": staff}
for key in MATRIX:
    if not (key in SPEC_ROUTES and needs_csrf(key)):
        continue
    c = CSRF_USER.get(key)
    if not check("%s: the matrix names a user for its CSRF check" % key, c is not None):
        continue
    st, j, _, _ = c.do(REQ[key](c, None, None), csrf=False)
    if check("%s: without the CSRF token 403" % key, is_error(st, j, 403, "permission_denied") and
             "CSRF" in j["error"]["details"].get("reason", ""), (st, j)):
        ran[key]["csrf"] = True
# (No CSRF refusal above changed anything: the session routes would have ended the session.)
st, j, _, _ = viewer.call("GET", "/api/v1/session")
check("the CSRF refusals ended no session and changed no password", st == 200, (st, j))

# -- 1, 2. the routes, group by group -------------------------------------------------------------
# Health and the session.
st, j, h, _ = anon.call("GET", "/api/v1/health")
succeeded("GET /api/v1/health", "anyone", st, j, h)
check("GET /api/v1/health: status ok", j and j.get("status") == "ok", j)
mark = audit_mark()
for role in ROLES:
    c = U[role]
    st, j, h, _ = c.call("GET", "/api/v1/session")
    if succeeded("GET /api/v1/session", c, st, j, h):
        check("GET /api/v1/session: is %s's, role %s" % (c.login, role),
              j["user"]["login"] == c.login and j["user"]["role"] == role, j["user"])
    # A second session of each user, signed out.
    c2 = Client(server, c.login, role)
    c2.password = c.password
    c2.sign_in()
    st, j, h, _ = c2.call("DELETE", "/api/v1/session")
    if succeeded("DELETE /api/v1/session", c, st, j, h):
        st, j, _, _ = c2.call("GET", "/api/v1/session")
        check("DELETE /api/v1/session: %s's signed-out session is 401, the other goes on" %
              c.login, is_error(st, j, 401) and c.call("GET", "/api/v1/session")[0] == 200,
              (st, j))
        audited("DELETE /api/v1/session", mark, c.login, "session.sign_out", "user " + c.login)
for login in ["admin", "staff", "auditor"]:
    audited("POST /api/v1/session", 0, login, "session.sign_in", "user " + login)
    audited("POST /api/v1/session/password", 0, login, "user.password", "user " + login)

# Users: the admin's.
read_all("GET /api/v1/users", lambda c, j, raw: check(
    "GET /api/v1/users: lists the users", {"admin", "staff", "auditor"} <= {
        u["login"] for u in j["users"]}, j))
mark = audit_mark()
st, j, h, _ = admin.call("POST", "/api/v1/users", {"login": TEMP_USER, "role": "viewer",
                                                   "all_areas": True,
                                                   "password": "Temp-pass-9"})
succeeded("POST /api/v1/users", admin, st, j, h)
audited("POST /api/v1/users", mark, "admin", "user.add", "user " + TEMP_USER)
deny_roles("POST /api/v1/users")
st, j, _, _ = admin.call("GET", "/api/v1/users")
check("POST /api/v1/users: no refused request added a user",
      st == 200 and not [u["login"] for u in j["users"] if u["login"].startswith("x-")], j)
deny_roles("PATCH /api/v1/users/{login}")
st, j, _, _ = admin.call("GET", "/api/v1/users")
check("PATCH /api/v1/users/{login}: no refused request disabled the user", st == 200 and not next(
    u for u in j["users"] if u["login"] == TEMP_USER)["disabled"], j)
mark = audit_mark()
for body, action in [({"disabled": True}, "user.disable"), ({"disabled": False}, "user.enable"),
                     ({"password": "Temp-pass-10"}, "user.password")]:
    st, j, h, _ = admin.call("PATCH", "/api/v1/users/" + TEMP_USER, body)
    succeeded("PATCH /api/v1/users/{login}", admin, st, j, h, label=" (%s)" % action)
    audited("PATCH /api/v1/users/{login}", mark, "admin", action, "user " + TEMP_USER)

# The audit log: the auditor's.
read_all("GET /api/v1/audit")
read_all("GET /api/v1/audit/verify", lambda c, j, raw: check(
    "GET /api/v1/audit/verify: the chain is intact", j["intact"] is True and j["rows"] > 10, j))

# The register.
read_all("GET /api/v1/areas", lambda c, j, raw: check(
    "GET /api/v1/areas: %s's own community is marked theirs, the other %s" % (
        c.login, "too" if not c.limited else "not"),
    any(a["code"] == OWN and a["yours"] for a in j["areas"]) and
    any(a["code"] == OTHER and a["yours"] != c.limited for a in j["areas"]), j))
read_all("GET /api/v1/households", lambda c, j, raw: check(
    "GET /api/v1/households: %s gets the cards of %s" % (c.login, OWN),
    j["households"] and all(x["community_code"] == OWN for x in j["households"]), j))
read_all("GET /api/v1/households/{card}", lambda c, j, raw: check(
    "GET /api/v1/households/{card}: the card and its persons",
    j["card_no"] == FX["own"]["card"] and j["persons"], j))
read_all("GET /api/v1/history", lambda c, j, raw: check(
    "GET /api/v1/history: the person's", j["person"]["key"] == FX["own"]["person"], j))
read_all("GET /api/v1/incomplete")
read_all("GET /api/v1/totals", lambda c, j, raw: check(
    "GET /api/v1/totals: %s's totals add up" % c.login,
    j["all"]["persons"] == sum(t["persons"] for t in j["by_community"].values()) > 0, j))
mark = audit_mark()
st, j, h, _ = reviewer.call("POST", "/api/v1/persons/reveal", {"person": FX["own"]["person"],
                                                               "reason": "家访核对身份证"})
if succeeded("POST /api/v1/persons/reveal", reviewer, st, j, h):
    check("POST /api/v1/persons/reveal: the whole number",
          re.fullmatch(r"\d{17}[\dX]|\d{15}|", j["id_number"]) is not None, j)
audited("POST /api/v1/persons/reveal", mark, "reviewer", "person.reveal", FX["own"]["person"])
deny_roles("POST /api/v1/persons/reveal")
CO = "POST /api/v1/corrections"
mark = audit_mark()
st, j, h, _ = staff.do(REQ[CO](staff, "own", None))
if succeeded(CO, staff, st, j, h):
    raised = j["items"][0]
    check("POST /api/v1/corrections: an item of the card, verified by its raiser",
          raised["type"] == "card_correction" and raised["status"] == "verified" and
          raised["register_key"] == FX["own"]["person"], j)
    audited(CO, mark, "staff", "review", "item %d" % raised["id"])
deny_roles(CO)

# Campaigns (before the reports that need one).
mark = audit_mark()
for c in (admin, reviewer):
    st, j, h, _ = c.do(REQ["POST /api/v1/campaigns"](c, None, None))
    if succeeded("POST /api/v1/campaigns", c, st, j, h):
        STATE["campaign"] = j["id"]
        audited("POST /api/v1/campaigns", mark, c.login, "campaign.add", "campaign %d" % j["id"])
deny_roles("POST /api/v1/campaigns")
for c in (admin, reviewer):
    st, j, h, _ = c.do(REQ["PATCH /api/v1/campaigns/{id}"](c, None, None))
    succeeded("PATCH /api/v1/campaigns/{id}", c, st, j, h)
    audited("PATCH /api/v1/campaigns/{id}", mark, c.login, "campaign.set",
            "campaign %d" % STATE["campaign"])
deny_roles("PATCH /api/v1/campaigns/{id}")
read_all("GET /api/v1/campaigns", lambda c, j, raw: check(
    "GET /api/v1/campaigns: lists the campaigns added", len(j["campaigns"]) >= 2, j))

# Reports.
read_all("GET /api/v1/reports/statistics")
read_all("GET /api/v1/reports/progress")
read_all("GET /api/v1/reports/intake")
read_all("GET /api/v1/reports/assessment")
mark = audit_mark()
read_all("GET /api/v1/reports/bulletin", lambda c, j, raw: check(
    "GET /api/v1/reports/bulletin: a PDF", raw.startswith(b"%PDF")))
audited("GET /api/v1/reports/bulletin", mark, "viewer", "report.download")
mark = audit_mark()
st, j, h, raw = viewer.call("GET", "/api/v1/reports/statistics?as_of=2026-09-30&format=csv")
succeeded("GET /api/v1/reports/statistics", viewer, st, j, h, raw, " as a CSV file")
audited("GET /api/v1/reports/statistics", mark, "viewer", "report.download")
mark = audit_mark()
read_all("GET /api/v1/reports/discrepancies")
audited("GET /api/v1/reports/discrepancies", mark, "staff", "report.download",
        "discrepancies.csv")
mark = audit_mark()
read_all("GET /api/v1/reports/incomplete")
audited("GET /api/v1/reports/incomplete", mark, "clerk", "report.download")

# Items: the worklist and one item.
read_all("GET /api/v1/items", lambda c, j, raw: check(
    "GET /api/v1/items: %s gets %s" % (c.login, "their community's items only" if c.limited else
                                       "items"),
    j["items"] and (not c.limited or all(i["community_code"] == OWN for i in j["items"])),
    [i["community_code"] for i in j["items"]][:20]))


def counts_agree(c, j, raw):
    """The counts add up to their total, which is the worklist's own total for the user."""
    st, page, _, _ = c.call("GET", "/api/v1/items?limit=1&total=true" + cq(c, None))
    return check("GET /api/v1/items/counts: %s's counts add up to the worklist's total" % c.login,
                 st == 200 and j["total"] == sum(x["count"] for x in j["counts"]) ==
                 page["total"] and j["total"] > 0, (j, page))


read_all("GET /api/v1/items/counts", counts_agree)
read_all("GET /api/v1/items/{id}", lambda c, j, raw: check(
    "GET /api/v1/items/{id}: item %d" % A, j["id"] == A, j))

# Reviewing one item, each action by the roles it needs. Every refusal comes before the item's
# state is looked at, so item A serves them all.
RV = "POST /api/v1/items/{id}/review"
for v in REVIEW_VARIANTS:
    deny_roles(RV, v)
mark = audit_mark()


def review(c, item, action, label):
    st, j, h, _ = c.call("POST", "/api/v1/items/%d/review" % item, {"action": action,
                                                                     "note": label})
    if succeeded(RV, c, st, j, h, label=" item %d" % item, variant=action):
        audited(RV, mark, c.login, "review", "item %d" % item,
                " (%s)" % action)
    return st, j


review(staff, A, "verify", "checked at home")
review(reviewer, A, "approve", "approved")
review(staff, B, "dispute", "the register is right")
review(staff, B, "reopen", "look again")
review(reviewer, C, "reject", "no")
review(reviewer, C, "reopen", "after all")
st, j, _, _ = staff.call("POST", "/api/v1/items/%d/review" % C, {"action": "reject"})
refused(RV, staff, st, j, " to reject an item of their own community")

# Bulk review of the household H: staff verify its items; while they are verified every role
# the action does not allow is refused; then the reviewer approves them.
RM = "POST /api/v1/reviews"
if check("a household of %s with open items for the bulk review" % OWN, H):
    mark = audit_mark()
    st, j, h, _ = staff.call("POST", "/api/v1/reviews", {"action": "verify", "household": H})
    if succeeded(RM, staff, st, j, h, label=" household %s" % H, variant="verify"):
        check("POST /api/v1/reviews: changed the household's items", j["changed"] >= 1, j)
        audited(RM, mark, "staff", "review", label=" (verify)")
    for v in REVIEW_VARIANTS:
        deny_roles(RM, v)
    st, j, h, _ = reviewer.call("POST", "/api/v1/reviews", {"action": "approve", "household": H})
    if succeeded(RM, reviewer, st, j, h, label=" household %s" % H, variant="approve"):
        check("POST /api/v1/reviews: approved the verified items", j["changed"] >= 1, j)
        audited(RM, mark, "reviewer", "review", label=" (approve)")
if check("a second household of %s with open items for the bulk review" % OWN, H2):
    for c, v in [(staff, "dispute"), (staff, "reopen"), (reviewer, "reject"),
                 (reviewer, "reopen")]:
        st, j, h, _ = c.call("POST", "/api/v1/reviews", {"action": v, "household": H2})
        if succeeded(RM, c, st, j, h, label=" household %s" % H2, variant=v):
            check("POST /api/v1/reviews: %s changed the household's items" % v,
                  j["changed"] >= 1, j)
# The policy refuses a role an action, whatever is selected: nothing selected is no permission.
for role in ["admin", "auditor", "viewer", "clerk"]:
    st, j, _, _ = U[role].call("POST", "/api/v1/reviews", {"action": "approve",
                                                           "household": "no-such-card-0000"})
    refused(RM, U[role], st, j,
            " to approve even when nothing is selected")
st, j, _, _ = staff.call("POST", "/api/v1/reviews", {"action": "verify",
                                                     "community": "350902999999"})
refused(RM, staff, st, j, " to verify in a community not theirs, even one without items")
# Nor does an id that does not exist make a refused role's answer a 404: a user who may read
# nothing learns nothing, not even which items, cards and persons there are.
UNKNOWN = [("GET /api/v1/items/{id}", "GET", "/api/v1/items/999999", None),
           (RV, "POST", "/api/v1/items/999999/review", {"action": "approve"}),
           ("GET /api/v1/households/{card}", "GET", "/api/v1/households/3509029999999999",
            None),
           ("GET /api/v1/history", "GET", "/api/v1/history?person=3509029999999999%2F1", None),
           ("POST /api/v1/persons/reveal", "POST", "/api/v1/persons/reveal",
            {"person": "3509029999999999/1", "reason": "家访核对"}),
           ("POST /api/v1/corrections", "POST", "/api/v1/corrections",
            {"person": "3509029999999999/1", "set": {"name": "张三"}, "note": "家访核对"})]
for role in ["admin", "auditor"]:
    for key, method, path, body in UNKNOWN:
        st, j, _, _ = U[role].call(method, path, body)
        refused(key, U[role], st, j, " for an id that does not exist")

# Jobs: applying item A (reviewer), undoing it.
AP = "POST /api/v1/apply"
deny_roles(AP)
mark = audit_mark()
st, j, h, _ = reviewer.call("POST", "/api/v1/apply", {"item": A, "note": "via the API"})
if succeeded(AP, reviewer, st, j, h):
    st, done = wait_job(reviewer, j["job"])
    check("POST /api/v1/apply: the job applies item %d" % A, done and done["state"] ==
          "succeeded" and done["result"]["applied"] == 1, done)
    audited(AP, mark, "reviewer", "review", "item %d" % A,
            " (approved -> applied)")
UN = "POST /api/v1/items/{id}/undo"
deny_roles(UN)
mark = audit_mark()
st, j, h, _ = reviewer.call("POST", "/api/v1/items/%d/undo" % A, {"note": "undo test"})
if succeeded(UN, reviewer, st, j, h):
    check("POST /api/v1/items/{id}/undo: changes restored", j["changes"] >= 1, j)
    audited(UN, mark, "reviewer", "review", "item %d" % A,
            " (applied -> approved)")

# Imports (the clerk's); the job is then the one others may not see.
IM = "POST /api/v1/imports"
deny_roles(IM)
mark = audit_mark()
st, j, h, _ = clerk.do(REQ[IM](clerk, None, None))
if succeeded(IM, clerk, st, j, h):
    STATE["job"] = j["job"]
    st, done = wait_job(clerk, j["job"])
    check("POST /api/v1/imports: the import job succeeds", done and done["state"] == "succeeded",
          done)
    audited(IM, mark, "clerk", "import",
            "import %s" % ((done or {}).get("result") or {}).get("import"))
read_all("GET /api/v1/imports", lambda c, j, raw: check(
    "GET /api/v1/imports: lists the upload", any(
        i["file_name"] == "births-clerk.csv" for i in j["imports"]), j["imports"][-3:]))
read_all("GET /api/v1/profiles")
read_all("GET /api/v1/jobs")



def deny_others(key, starter):
    """A job and its files are their starter's: everyone else is told 404."""
    for c in EVERYONE:
        if c is starter:
            continue
        st, j, _, _ = c.do(REQ[key](c, None, None))
        if refused(key, c, st, j, " (not the job's starter)", 404, "not_found"):
            ran[key]["denied"].add((c.login, None))


JB = "GET /api/v1/jobs/{id}"
st, j, h, _ = clerk.do(REQ[JB](clerk, None, None))
succeeded(JB, clerk, st, j, h, label=" (its starter)")
deny_others(JB, clerk)
for c in EVERYONE:
    if c is clerk:
        continue
    st, j, _, _ = c.call("GET", "/api/v1/jobs")
    check("GET /api/v1/jobs: %s's list has not the clerk's job" % c.login, st == 200 and all(
        x["id"] != STATE["job"] and x["started_by"] == c.login for x in j["jobs"]), j)

# A comparison, started and cancelled: DELETE /jobs/{id} is the starter's only.
CP = "POST /api/v1/comparisons"
deny_roles(CP)
read_all("GET /api/v1/comparisons")
st, before, _, _ = clerk.call("GET", "/api/v1/comparisons")
st, j, h, _ = clerk.do(REQ[CP](clerk, None, None))
DJ = "DELETE /api/v1/jobs/{id}"
if succeeded(CP, clerk, st, j, h):
    STATE["cmp_job"] = j["job"]
    deny_others(DJ, clerk)
    st, j, h, _ = clerk.do(REQ[DJ](clerk, None, None))
    succeeded(DJ, clerk, st, j, h, label=" (its starter)")
    st, done = wait_job(clerk, STATE["cmp_job"])
    st, after, _, _ = clerk.call("GET", "/api/v1/comparisons")
    check("DELETE /api/v1/jobs/{id}: the comparison is cancelled, none is kept",
          done and done["state"] == "cancelled" and len(after["comparisons"]) == len(
              before["comparisons"]), done)

# Books: printed by each role that may export (community staff for their community); the files
# are the starter's.
BK = "POST /api/v1/books"
deny_roles(BK)
for c in (reviewer, clerk, viewer):
    st, j, h, _ = c.do(REQ[BK](c, None, None))
    if succeeded(BK, c, st, j, h):
        st, done = wait_job(c, j["job"])
        check("POST /api/v1/books: %s's job prints the books" % c.login,
              done and done["state"] == "succeeded" and done["result"]["files"], done)
st, j, h, _ = staff.do(REQ[BK](staff, None, None))
JF = "GET /api/v1/jobs/{id}/files/{name}"
if succeeded(BK, staff, st, j, h):
    st, done = wait_job(staff, j["job"])
    files = (done.get("result") or {}).get("files", []) if done else []
    if check("POST /api/v1/books: the job prints the community's books", done and
             done["state"] == "succeeded" and files and all(
                 f["community_code"] == OWN for f in files), done):
        STATE["files_job"], STATE["file"] = done["id"], files[0]["name"]
        mark = audit_mark()
        st, j, h, raw = staff.do(REQ[JF](staff, None, None))
        if succeeded(JF, staff, st, j, h, raw, " (its starter)"):
            check("GET /api/v1/jobs/{id}/files/{name}: a PDF", raw.startswith(b"%PDF"))
        audited(JF, mark, "staff", "report.download", STATE["file"])
        deny_others(JF, staff)

# -- 3. users of one community --------------------------------------------------------------------
# What each route gives a user of one community: their own community's, never another's.
print("# users of one community")
OWN_ROUTES = ["GET /api/v1/items", "GET /api/v1/items/counts", "GET /api/v1/items/{id}",
              "GET /api/v1/households",
              "GET /api/v1/households/{card}", "GET /api/v1/history", "GET /api/v1/incomplete",
              "GET /api/v1/totals", "GET /api/v1/reports/statistics",
              "GET /api/v1/reports/discrepancies", "GET /api/v1/reports/incomplete"]


def only_own(key, j, raw):
    """What a user of one community got holds their community only (no row of another)."""
    if key == "GET /api/v1/items":
        return all(i["community_code"] == OWN for i in j["items"])
    if key == "GET /api/v1/incomplete":
        return all(p["community_code"] == OWN for p in j["persons"])
    if key == "GET /api/v1/totals":
        return set(j["by_community"]) <= {OWN}
    if key == "GET /api/v1/households":
        return all(x["community_code"] == OWN for x in j["households"])
    if key in ("GET /api/v1/reports/discrepancies", "GET /api/v1/reports/incomplete"):
        return OTHER.encode() not in raw
    return True


for role in ["community", "reviewer", "viewer", "clerk"]:
    c = LIMITED[role]
    for key in OWN_ROUTES:
        allow = role in allowed_roles(key)
        st, j, h, raw = c.do(REQ[key](c, "own", None))
        if allow:
            if succeeded(key, c, st, j, h, raw, " for their own community"):
                check("%s: %s gets their own community's only" % (key, c.login),
                      only_own(key, j, raw), j if j is not None else raw[:300])
        st, j, _, _ = c.do(REQ[key](c, "other", None))
        if refused(key, c, st, j,
                   " for another community (%s)" % OTHER):
            ran[key]["area"].add(role)
    # Without a community: the lists are of their community; a file of the district is refused.
    for key in ["GET /api/v1/items", "GET /api/v1/incomplete", "GET /api/v1/totals"]:
        st, j, h, raw = c.call("GET", REQ[key](c, "own", None)[1].split("?")[0] + (
            "?as_of=2026-09-30" if key != "GET /api/v1/items" else ""))
        if succeeded(key, c, st, j, h, raw, " without a community"):
            check("%s: without a community %s gets their own community's only" % (key, c.login),
                  only_own(key, j, raw), j)
    for key, path in [("GET /api/v1/reports/discrepancies", "/api/v1/reports/discrepancies"),
                      ("GET /api/v1/reports/incomplete", "/api/v1/reports/incomplete?format=csv"),
                      ("GET /api/v1/reports/statistics", "/api/v1/reports/statistics")]:
        st, j, _, _ = c.call("GET", path)
        refused(key, c, st, j, " the whole district's file")
    # Lists of things of the whole district that every user of the action sees.
    for key in ["GET /api/v1/areas", "GET /api/v1/comparisons", "GET /api/v1/imports",
                "GET /api/v1/campaigns", "GET /api/v1/profiles"]:
        st, j, h, raw = c.do(REQ[key](c, None, None))
        if role in allowed_roles(key):
            ok = succeeded(key, c, st, j, h, raw)
        else:
            ok = refused(key, c, st, j)
        if ok:
            ran[key]["area"].add(role)
    # Reports of the whole district, comparisons and imports: refused.
    for key in ["GET /api/v1/reports/progress", "GET /api/v1/reports/intake",
                "GET /api/v1/reports/assessment", "GET /api/v1/reports/bulletin"]:
        st, j, _, _ = c.do(REQ[key](c, None, None))
        if refused(key, c, st, j,
                   ", this being the whole district's"):
            ran[key]["area"].add(role)
    for key in [CP, IM, "POST /api/v1/campaigns", "PATCH /api/v1/campaigns/{id}"]:
        st, j, _, _ = c.do(REQ[key](c, None, None))
        if refused(key, c, st, j,
                   ", this belonging to no community"):
            ran[key]["area"].add(role)
    # Another community's items, persons and books: never changed, revealed or printed.
    for v in REVIEW_VARIANTS:
        st, j, _, _ = c.do(REQ[RV](c, "other", v))
        if refused(RV, c, st, j, " to %s another community's item" % v):
            ran[RV]["area"].add(role)
        st, j, _, _ = c.do(REQ[RM](c, "other", v))
        if refused(RM, c, st, j, " to %s another community's items in bulk" % v):
            ran[RM]["area"].add(role)
    for key in [UN, AP, "POST /api/v1/persons/reveal", BK, CO]:
        st, j, _, _ = c.do(REQ[key](c, "other", None))
        if refused(key, c, st, j, " for another community (%s)" % OTHER):
            ran[key]["area"].add(role)
    st, j, _, _ = c.call("POST", "/api/v1/apply", {})
    refused(AP, c, st, j, " to apply every approved item of the district")
    # Searching the worklist for another community's card or person finds nothing.
    for what in (FX["other"]["card"], FX["other"]["person"]):
        st, j, _, _ = c.call("GET", "/api/v1/items?search=" + q(what))
        check("GET /api/v1/items: %s searching for %s of %s finds nothing of it" % (
            c.login, what, OTHER), st == 200 and all(
                i["community_code"] == OWN for i in j["items"]), j)
    # Statistics of their community at the district's level are their community's figures.
    st, j, _, _ = c.call("GET", "/api/v1/reports/statistics?as_of=2026-09-30&level=district&"
                                "area=" + OWN)
    st2, j2, _, _ = reviewer.call("GET", "/api/v1/reports/statistics?as_of=2026-09-30&area=" +
                                  OWN)
    check("GET /api/v1/reports/statistics: %s's figures at level=district are %s's" % (
        c.login, OWN), st == 200 and st2 == 200 and [r[3:] for r in j["rows"]] == [
            r[3:] for r in j2["rows"] if r[0] == "total"] and OTHER not in json.dumps(j),
        (j, j2))
# A bulk action over items of several communities is refused whole.
st, j, _, _ = staff.call("POST", "/api/v1/reviews", {"action": "verify",
                                                     "type": own_open[-1]["type"]})
refused(RM, staff, st, j, " to verify a type across the district")
st, j, _, _ = reviewer.call("GET", "/api/v1/items/%d" % OTHER_ITEM)
check("another community's item %d is still open (every refusal changed nothing)" % OTHER_ITEM,
      st == 200 and j["status"] == "open", j)

# The reviewer of one community: their community's items, reviewed, applied and undone.
r1 = LIMITED["reviewer"]
st, j, _, _ = staff.call("POST", "/api/v1/items/%d/review" % D, {"action": "verify"})
check("staff verify item %d" % D, st == 200, j)
mark = audit_mark()
st, j, h, _ = r1.call("POST", "/api/v1/items/%d/review" % D, {"action": "approve"})
if succeeded(RV, r1, st, j, h, label=" item %d" % D, variant="approve"):
    audited(RV, mark, "reviewer1", "review", "item %d" % D)
st, j, h, _ = r1.call("POST", "/api/v1/apply", {"item": D, "community": OWN})
applied = False
if succeeded(AP, r1, st, j, h, label=" for their community"):
    st, done = wait_job(r1, j["job"])
    applied = check("POST /api/v1/apply: the reviewer of %s applies item %d of %s" % (
        OWN, D, OWN), done and done["state"] == "succeeded" and done["result"]["applied"] == 1,
        done)
if not applied:  # applied by the district's reviewer, so that the undo below is tried at all
    st, j, _, _ = reviewer.call("POST", "/api/v1/apply", {"item": D})
    st, done = wait_job(reviewer, j["job"]) if st == 202 else (st, j)
    check("item %d applied by the district's reviewer" % D, done and done["state"] ==
          "succeeded", done)
st, j, h, _ = r1.call("POST", "/api/v1/items/%d/undo" % D, {"note": "undo"})
succeeded(UN, r1, st, j, h, label=" for their community's item")
st, j, h, _ = r1.do(REQ["POST /api/v1/persons/reveal"](r1, "own", None))
succeeded("POST /api/v1/persons/reveal", r1, st, j, h,
          label=" for their community's person")

# -- 5. no user has an audit entry of an action their role may not do ---------------------------
FORBIDDEN = {  # audit actions a role's user never writes (docs/review.md)
    "admin": ["review", "import", "person.reveal", "report.download"],
    "reviewer": ["import", "user.add", "user.disable", "user.enable"],
    "community": ["import", "user.add", "user.disable", "user.enable", "campaign.add",
                  "campaign.set", "person.reveal"],
    "clerk": ["review", "user.add", "user.disable", "user.enable", "campaign.add",
              "campaign.set", "person.reveal"],
    "viewer": ["review", "import", "user.add", "user.disable", "user.enable", "campaign.add",
               "campaign.set", "person.reveal"],
    "auditor": ["review", "import", "user.add", "user.disable", "user.enable", "campaign.add",
                "campaign.set", "person.reveal", "report.download"],
}
st, j, _, _ = auditor.call("GET", "/api/v1/audit?order=asc&limit=1000")
entries = j["entries"] if st == 200 else []
for c in EVERYONE:
    wrong = [(e["action"], e["object"]) for e in entries if e["who"] == c.login and
             e["action"] in FORBIDDEN[c.role]]
    check("the audit log has no entry by %s (%s) of an action the role may not do" % (
        c.login, c.role), st == 200 and not wrong, wrong)
for action, shape in [("review", r"item \d+"), ("import", r"import \d+")]:
    odd = [(e["who"], e["object"]) for e in entries if e["action"] == action and
           not re.fullmatch(shape, e["object"])]
    check("every %s entry of the audit log names its object as %s" % (action, shape.replace(
        r"\d+", "N")), st == 200 and not odd, odd)

# -- sign out everywhere, last: every session of each user ends --------------------------------
SO = "DELETE /api/v1/sessions"
mark = audit_mark()
for c in EVERYONE:
    c2 = Client(server, c.login, c.role)
    c2.password = c.password
    c2.sign_in()
    st, j, h, _ = c2.call("DELETE", "/api/v1/sessions")
    if succeeded(SO, c, st, j, h):
        check("DELETE /api/v1/sessions: %s's sessions all end" % c.login, j["sessions_ended"] >= 2
              and is_error(*c.call("GET", "/api/v1/session")[:2], 401), j)
auditor.sign_in()
audited(SO, mark, "viewer", "session.sign_out_everywhere", "user viewer")
st, j, h, _ = auditor.call("GET", "/api/v1/audit/verify")
check("the audit log's chain is intact at the end", st == 200 and j["intact"], j)
code, out, err = server.stop()
check("the server stops cleanly", code == 0, (code, err[-2000:]))

# -- every entry's checks ran ---------------------------------------------------------------------
for key, e in MATRIX.items():
    r = ran[key]
    lacking = []
    if not r["success"]:
        lacking.append("a success")
    if e["action"] not in (None, OWNER):
        # A success for every role (and body action) the policy allows; community staff, who
        # are of one community, not where the route is the whole district's.
        for v in (e["variants"] or [None]):
            for role in sorted(allowed_roles(key, v)):
                if role == "community" and e["area"] == "district":
                    continue
                if (role, v) not in r["success"]:
                    lacking.append("the success of %s%s" % (role, " to " + v if v else ""))
    if not is_public(key):
        if not r["401"]:
            lacking.append("401")
        if key not in PASSWORD_ONLY and not r["must_change"]:
            lacking.append("the given-password refusal")
    if key in SPEC_ROUTES and needs_csrf(key) and not r["csrf"]:
        lacking.append("the CSRF refusal")
    if e["action"] == OWNER:
        if len(r["denied"]) < len(EVERYONE) - 1:
            lacking.append("the 404 for every other user")
    else:
        for v in (e["variants"] or [None]):
            for role in set(ROLES) - allowed_roles(key, v):
                if (role, v) not in r["denied"]:
                    lacking.append("the refusal of %s%s" % (role, " to " + v if v else ""))
    if e["area"] in ("own", "district", "somewhere"):
        readers = {"community", "reviewer", "viewer", "clerk"} & (
            set().union(*(allowed_roles(key, v) for v in e["variants"])) if e["variants"]
            else allowed_roles(key))
        if e["area"] == "own" and not r["area"]:
            lacking.append("another community's refusal")
        elif e["area"] != "own" and not readers <= r["area"]:
            lacking.append("users of one community (%s)" % sorted(readers - r["area"]))
    if e["audit"] and not r["audit"]:
        lacking.append("its audit entry (%s)" % e["audit"])
    check("%s: every check of its entry ran" % key, not lacking, lacking)

finish("server_routes", "%d routes, " % len(SPEC_ROUTES))
