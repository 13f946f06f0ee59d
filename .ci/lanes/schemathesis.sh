#!/usr/bin/env bash
# The API against its own OpenAPI schema, with schemathesis: every operation, every check (server errors,
# status codes and content types that the schema documents, response bodies that follow it, data the schema
# accepts being accepted and data it refuses being refused, authentication really enforced...).
#
# Runs alone from the repository root: .ci/lanes/schemathesis.sh
# A throwaway SQLite database in a temporary folder gets the shipped ROME 4.0 (about 10 s), one counsellor and an
# API token; gunicorn serves the app on a free loopback port; the server and the folder are removed at the end.
# Any failure exits non-zero. ST_MAX_EXAMPLES (default 25) bounds the generated cases per operation; extra
# arguments go to schemathesis (e.g. `--include-path /api/v1/occupations/search` while fixing one operation).
set -euo pipefail
cd "$(dirname "$0")/../.."

py=.venv/bin/python
work="$(mktemp -d -t trajectoire-schemathesis-XXXXXX)"
server_pid=""
cleanup() {
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
    kill "$server_pid"
    wait "$server_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

export SQLITE_PATH="$work/trajectoire.sqlite3"
export DJANGO_SETTINGS_MODULE=trajectoire.config.settings
# No debug pages: a 500 must look like what production would send, and the API must not rely on DEBUG.
export DEBUG=False
export ALLOWED_HOSTS=127.0.0.1,localhost

echo "schemathesis: database in $work"
"$py" manage.py migrate --no-input -v0
"$py" manage.py import_rome --if-empty --json >"$work/import.json"
echo "schemathesis: ROME imported: $(cat "$work/import.json" | head -c 200)"

email="api.schemathesis@exemple.fr"
"$py" manage.py shell -c "
from tests.factories import CentreFactory, counsellor
counsellor(CentreFactory(name='CIBC Contrôle API'), email='$email', first_name='Claire', last_name='Martin')
" >/dev/null
token="$("$py" manage.py create_api_token --email "$email" --name schemathesis)"

port="$("$py" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
base="http://127.0.0.1:$port"
# One worker with threads: the matching engine is loaded once (a few seconds) and shared by the threads.
.venv/bin/gunicorn trajectoire.config.wsgi:application --bind "127.0.0.1:$port" --workers 1 \
  --worker-class gthread --threads 4 --timeout 120 --log-level warning >"$work/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 60); do
  curl -fsS -o /dev/null "$base/api/v1/openapi.json" 2>/dev/null && break
  kill -0 "$server_pid" 2>/dev/null || { cat "$work/server.log"; echo "schemathesis: the server did not start"; exit 1; }
  sleep 1
done
# A token POST to each write operation, without any CSRF token, as an integrator's script sends it (this also
# loads the matching engine before the timed cases). Every one must answer 200.
smoke_failed=0
while IFS='|' read -r path body; do
  code="$(curl -sS -o "$work/smoke.json" -w '%{http_code}' -X POST -H "Authorization: Bearer $token" \
    -H "Content-Type: application/json" -d "$body" "$base$path")"
  echo "schemathesis: token POST $path -> $code"
  [ "$code" = 200 ] || { smoke_failed=1; cat "$work/smoke.json"; echo; }
done <<'EOF'
/api/v1/matching/extract|{"id": "exp-1", "text": "Aide-soignante en EHPAD : toilette des résidents, aide aux repas."}
/api/v1/matching/recommend|{"id": "p-1", "current_occupations": ["J1501"], "riasec": "SA", "top": 3}
/api/v1/schemes/evaluate|{"facts": {"status": "salarie_prive", "action_type": "bilan_competences"}, "on": "2026-03-02"}
EOF
posts="$(curl -fsS "$base/api/v1/openapi.json" | "$py" -c 'import json, sys
print(" ".join(sorted(p for p, ops in json.load(sys.stdin)["paths"].items() if "post" in ops)))')"
if [ "$posts" != "/api/v1/matching/extract /api/v1/matching/recommend /api/v1/schemes/evaluate" ]; then
  echo "schemathesis: the POST operations changed ($posts): add a body for each new one above"
  smoke_failed=1
fi
[ "$smoke_failed" = 0 ] || exit 1

# One schemathesis worker: with two, Python 3.11's ast.parse (called by Hypothesis to describe its filters) races
# between threads and stops the run with « AST constructor recursion depth mismatch », an error of the tool and
# not of the API.
status=0
.venv/bin/schemathesis run "$base/api/v1/openapi.json" \
  --header "Authorization: Bearer $token" \
  --checks all \
  --max-examples "${ST_MAX_EXAMPLES:-25}" \
  --workers 1 \
  --seed "${ST_SEED:-20261201}" \
  --generation-database none \
  --request-timeout 30 \
  --no-color "$@" || status=$?

if [ "$status" -ne 0 ]; then
  echo "schemathesis: failures above; server log:"
  tail -n 50 "$work/server.log"
fi
exit "$status"
