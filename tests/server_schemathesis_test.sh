#!/usr/bin/env bash
# schemathesis (PyPI, in build/venv: scripts/bootstrap) against api/openapi.yaml and the live
# server: it generates requests for every operation from the document (valid ones, and ones
# that break it) and checks that no answer is a server error and every answer matches the
# document (status, content type, body schema). It acts as a signed-in reviewer, with the
# session cookie and the CSRF token; the operations that end the session are left out.
# usage: server_schemathesis_test.sh POPREG PROJECT_DIR
set -uo pipefail
popreg=$1
project=$2
work=$(mktemp -d)
st=$project/build/venv/bin/st
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null; rm -rf "$work"' EXIT
[ -x "$st" ] || { echo "server_schemathesis: $st is missing (run scripts/bootstrap)"; exit 1; }

db=$work/store.db
pw=$work/password
echo "Schema-test-1" >"$pw"
"$popreg" gen --out "$work/d" --households 200 --seed 9 >/dev/null
"$popreg" init --db "$db" --admin admin --admin-password-file "$pw" >/dev/null
for u in clerk:clerk reviewer:reviewer; do
  "$popreg" user add --db "$db" --user admin --login "${u%%:*}" --role "${u##*:}" --all-areas \
    --password-file "$pw" >/dev/null
done
for kind in areas register police_population police_births vaccinations cremations \
  death_certificates; do
  [ -f "$work/d/$kind.csv" ] || continue
  POPREG_USER=clerk "$popreg" import --db "$db" --kind $kind "$work/d/$kind.csv" >/dev/null
done
POPREG_USER=clerk "$popreg" compare --db "$db" --as-of 2026-09-30 --since 2025-10-01 >/dev/null

"$popreg" serve --db "$db" --port 0 --work-dir "$work/serve" --sign-ins-per-minute 100000 \
  >"$work/serve.out" 2>"$work/serve.err" &
server=$!
for _ in $(seq 100); do
  grep -q "serving at" "$work/serve.out" && break
  sleep 0.1
done
url=$(grep -o 'http://[0-9.:]*' "$work/serve.out" | head -1)
[ -n "$url" ] || { echo "server_schemathesis: the server did not start"; cat "$work/serve.err"; exit 1; }

# Sign in as the reviewer and set their own password (a given one must be changed first).
curl -s -c "$work/jar" -H 'Content-Type: application/json' \
  -d '{"login": "reviewer", "password": "Schema-test-1"}' "$url/api/v1/session" >"$work/session"
csrf=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["csrf_token"])' "$work/session")
curl -s -b "$work/jar" -c "$work/jar" -H 'Content-Type: application/json' -H "X-CSRF-Token: $csrf" \
  -d '{"current_password": "Schema-test-1", "new_password": "Schema-test-2"}' \
  "$url/api/v1/session/password" >"$work/session"
csrf=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["csrf_token"])' "$work/session")
cookie=$(awk '$6 == "popreg_session" {print $7}' "$work/jar")
[ -n "$cookie" ] && [ -n "$csrf" ] || { echo "server_schemathesis: could not sign in"; exit 1; }

cd "$work"  # schemathesis keeps its cache in the working folder
"$st" run "$project/api/openapi.yaml" --url "$url" \
  -H "Cookie: popreg_session=$cookie" -H "X-CSRF-Token: $csrf" \
  --exclude-operation-id signOut --exclude-operation-id signOutEverywhere \
  --exclude-operation-id changePassword \
  --checks not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance \
  --generation-with-security-parameters false \
  --phases examples,coverage,fuzzing --max-examples "${SCHEMATHESIS_EXAMPLES:-40}" --seed 14 \
  --workers 2 --no-color --report junit --report-dir "$work/report" 2>&1 | tee "$work/st.out"
status=${PIPESTATUS[0]}
if grep -q "ERROR\|AddressSanitizer\|runtime error" "$work/serve.err"; then
  echo "server_schemathesis: the server logged errors:"
  grep -m 20 "ERROR\|AddressSanitizer\|runtime error" "$work/serve.err"
  status=1
fi
echo "server_schemathesis: $([ "$status" -eq 0 ] && echo passed || echo failed)"
exit "$status"
