"""What the end-to-end tests of `popreg serve` share (tests/server_api_test.py,
tests/server_routes_test.py): the checks and their tally, the CLI, a generated district in a
store, the server on a free port of loopback, a browser of one user (the session cookie and the
CSRF token), the error shape, jobs, uploads, and the routes of api/openapi.yaml.

A test calls setup() first with the name of its store. Both run with the project's venv
(build/venv/bin/python3, made by scripts/bootstrap), which has PyYAML for api/openapi.yaml.
"""
import csv
import http.client
import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.parse
import uuid

try:
    import yaml
except ImportError:
    raise SystemExit("PyYAML is missing: run scripts/bootstrap, and run the test with the venv's "
                     "python (build/venv/bin/python3)")

HERE = os.path.dirname(os.path.abspath(__file__))
SPEC_FILE = os.path.join(HERE, "..", "api", "openapi.yaml")
PASSWORD = "Popreg-test-1"
METHODS = ("get", "post", "put", "patch", "delete")
POPREG = WORK = PG = DB = DB_NAME = PW_FILE = None
T0 = time.time()
passed = 0
failed = 0
failures = []


def setup(name):
    """Reads `POPREG WORK_DIR` from the command line; the store is a SQLite file in WORK_DIR, or
    with POPREG_TEST_DB_URL_BASE set a new database popreg_NAME_PID there (finish() drops it).
    Returns (POPREG, WORK, PG, DB)."""
    global POPREG, WORK, PG, DB, DB_NAME, PW_FILE
    if len(sys.argv) != 3:
        raise SystemExit("usage: %s POPREG WORK_DIR" % os.path.basename(sys.argv[0]))
    POPREG, WORK = sys.argv[1], sys.argv[2]
    PG = os.environ.get("POPREG_TEST_DB_URL_BASE", "")
    DB_NAME = "popreg_%s_%d" % (name, os.getpid())
    DB = PG + "/" + DB_NAME if PG else os.path.join(WORK, "store.db")
    PW_FILE = os.path.join(WORK, "password")
    return POPREG, WORK, PG, DB


def check(name, cond, detail=""):
    global passed, failed
    if cond:
        passed += 1
        print("ok    " + name)
    else:
        failed += 1
        failures.append(name)
        print("FAIL  " + name + ("\n      " + str(detail)[:2000] if detail else ""))
    return bool(cond)


def finish(name, words=""):
    """Drops the PostgreSQL database, prints the tally and the failed checks, and exits."""
    if PG:
        subprocess.run(["psql", "-q", PG + "/postgres", "-c", "DROP DATABASE IF EXISTS " + DB_NAME],
                       capture_output=True)
    print("%s: %s%d passed, %d failed in %.0f s" % (name, words, passed, failed,
                                                   time.time() - T0))
    if failures:
        print("failed:\n  " + "\n  ".join(failures))
    sys.exit(1 if failed or not passed else 0)


def run(*args, **kw):
    r = subprocess.run([POPREG, *args], capture_output=True, text=True, **kw)
    if r.returncode != 0:
        raise SystemExit("popreg %s failed: %s" % (" ".join(args), r.stderr))
    return r.stdout


# -- the district ---------------------------------------------------------------------------------
def make_district():
    """A generated district (600 households) and a store with its admin, whose given password
    (PASSWORD, in PW_FILE) each user added gets too. Returns (the district's folder, the codes
    of its communities)."""
    district = os.path.join(WORK, "d")
    run("gen", "--out", district, "--households", "600", "--seed", "5")
    with open(PW_FILE, "w") as f:
        f.write(PASSWORD + "\n")
    run("init", "--db", DB, "--admin", "admin", "--admin-password-file", PW_FILE)
    with open(os.path.join(district, "areas.csv"), encoding="utf-8-sig") as f:
        areas = list(csv.DictReader(f))
    return district, [a["code"] for a in areas if a["level"] == "community"]


def add_user(login, role, *area_args):
    run("user", "add", "--db", DB, "--user", "admin", "--login", login, "--role", role,
        "--password-file", PW_FILE, *area_args, env=dict(os.environ, POPREG_USER="admin"))


def import_district(district):
    """The clerk imports every file of the district and compares."""
    env = dict(os.environ, POPREG_USER="clerk")
    for kind in ["areas", "register", "police_population", "police_births", "vaccinations",
                 "cremations", "death_certificates"]:
        path = os.path.join(district, kind + ".csv")
        if os.path.exists(path):
            run("import", "--db", DB, "--kind", kind, path, env=env)
    run("compare", "--db", DB, "--as-of", "2026-09-30", "--since", "2025-10-01", env=env)


# -- the server and its clients -------------------------------------------------------------------
class Server:
    """`popreg serve` on a free port of 127.0.0.1, until stop(). What it prints after its
    address is read by threads, so that a full pipe never stops it."""

    def __init__(self, *extra):
        self.proc = subprocess.Popen(
            [POPREG, "serve", "--db", DB, "--port", "0", "--work-dir",
             os.path.join(WORK, "serve-" + uuid.uuid4().hex[:6]), *extra],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        line = self.proc.stdout.readline()
        m = re.search(r"http://127\.0\.0\.1:(\d+)/", line)
        if not m:
            self.proc.kill()
            raise SystemExit("serve did not start: %r %s" % (line, self.proc.stderr.read()))
        self.port = int(m.group(1))
        self.out, self.err = [line], []
        self.readers = [threading.Thread(target=lambda f=f, to=to: to.extend(f), daemon=True)
                        for f, to in ((self.proc.stdout, self.out), (self.proc.stderr, self.err))]
        for t in self.readers:
            t.start()

    def stop(self):
        """SIGTERM; (exit code, stdout, stderr)."""
        self.proc.send_signal(signal.SIGTERM)
        self.proc.wait(timeout=120)
        for t in self.readers:
            t.join(timeout=10)
        return self.proc.returncode, "".join(self.out), "".join(self.err)


class Client:
    """One browser of one user: keeps the session cookie and the CSRF token. login, role and
    limited (a user of one community, not of the whole district) say whose it is."""

    def __init__(self, server, login=None, role=None, limited=False, lang="zh"):
        self.port = server.port
        self.cookie = ""
        self.csrf = ""
        self.login = login
        self.role = role
        self.limited = limited
        self.password = PASSWORD
        self.lang = lang

    def call(self, method, path, body=None, raw=None, csrf=True, headers=None,
             content_type="application/octet-stream"):
        """(status, the JSON of a JSON answer or None, headers by lower-case name, bytes)."""
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=300)
        h = {"Accept-Language": self.lang}
        if self.cookie:
            h["Cookie"] = self.cookie
        if csrf and self.csrf and method != "GET":
            h["X-CSRF-Token"] = self.csrf
        data = None
        if raw is not None:
            data = raw
            h["Content-Type"] = content_type
        elif body is not None:
            data = json.dumps(body).encode()
            h["Content-Type"] = "application/json"
        h.update(headers or {})
        conn.request(method, path, body=data, headers=h)
        r = conn.getresponse()
        payload = r.read()
        hdrs = {}
        for k, v in r.getheaders():
            hdrs[k.lower()] = v
            if k.lower() == "set-cookie":
                m = re.match(r"popreg_session=([^;]*)", v)
                if m:
                    self.cookie = "popreg_session=" + m.group(1) if m.group(1) else ""
        conn.close()
        j = None
        if hdrs.get("content-type", "").startswith("application/json"):
            try:
                j = json.loads(payload) if payload else None
            except ValueError:
                j = None
        return r.status, j, hdrs, payload

    def do(self, req, csrf=True):
        """A request (method, path, body, raw bytes)."""
        method, path, body, raw = req
        return self.call(method, path, body=body, raw=raw, csrf=csrf)

    def get(self, path):
        return self.call("GET", path)

    def post(self, path, body=None):
        return self.call("POST", path, body if body is not None else {})

    def sign_in(self, login=None, password=None):
        """POST /api/v1/session as `login` (this client's user) with `password` (theirs);
        (status, JSON)."""
        st, j, _, _ = self.call("POST", "/api/v1/session", {
            "login": login or self.login, "password": password or self.password})
        if st == 201:
            self.csrf = j["csrf_token"]
        return st, j


def is_error(st, j, status, code=None):
    """The error shape: {"error": {"code", "message", "details": {...}}} with `status`."""
    return (st == status and isinstance(j, dict) and set(j) == {"error"} and
            isinstance(j["error"], dict) and set(j["error"]) == {"code", "message", "details"}
            and isinstance(j["error"]["details"], dict) and
            (code is None or j["error"]["code"] == code))


def wait_job(client, job, timeout=600):
    """(status, the job) once it has stopped running; (0, None) after `timeout` seconds."""
    end = time.time() + timeout
    while time.time() < end:
        st, j, _, _ = client.get("/api/v1/jobs/%d" % job)
        if st != 200 or j["state"] != "running":
            return st, j
        time.sleep(0.2)
    return 0, None


def upload(client, name, data, **params):
    """POST /api/v1/imports: the file as the body, what it is in the query."""
    q = urllib.parse.urlencode(dict(params, name=name))
    return client.call("POST", "/api/v1/imports?" + q, raw=data)


# -- api/openapi.yaml -----------------------------------------------------------------------------
def load_spec():
    with open(SPEC_FILE, encoding="utf-8") as f:
        return yaml.safe_load(f)


def spec_routes(spec):
    """{"METHOD /path": operation} of every operation of the document."""
    return {m.upper() + " " + p: op for p, ops in (spec.get("paths") or {}).items()
            for m, op in ops.items() if m in METHODS}
