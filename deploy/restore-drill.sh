#!/usr/bin/env bash
# The quarterly restore drill, runnable anywhere: fill a throwaway database with the demo, back it up with
# deploy/backup.sh, restore it into a fresh database with deploy/restore.sh, check that the restored
# database passes the migration check and that every table's row count and sampled rows are identical.
#   deploy/restore-drill.sh            # PostgreSQL on 127.0.0.1:5432 (PGUSER, default postgres)
#   deploy/restore-drill.sh sqlite     # SQLite files in a temporary folder
set -euo pipefail
cd "$(dirname "$0")/.."
python=${PYTHON:-.venv/bin/python}
mode=${1:-postgresql}
work=$(mktemp -d)
pg="postgres://${PGUSER:-postgres}@127.0.0.1:5432"
source_db="trajectoire_drill_src_$$"
target_db="trajectoire_drill_dst_$$"
cleanup() {
  if [ "$mode" = postgresql ]; then
    dropdb -h 127.0.0.1 -U "${PGUSER:-postgres}" --if-exists "$source_db" || true
    dropdb -h 127.0.0.1 -U "${PGUSER:-postgres}" --if-exists "$target_db" || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

if [ "$mode" = postgresql ]; then
  createdb -h 127.0.0.1 -U "${PGUSER:-postgres}" "$source_db"
  createdb -h 127.0.0.1 -U "${PGUSER:-postgres}" "$target_db"
  source_env=(env -u SQLITE_PATH DATABASE_URL="$pg/$source_db")
  target_env=(env -u SQLITE_PATH DATABASE_URL="$pg/$target_db")
else
  source_env=(env -u DATABASE_URL SQLITE_PATH="$work/source.sqlite3")
  target_env=(env -u DATABASE_URL SQLITE_PATH="$work/restored.sqlite3")
fi

start=$(date +%s)
"${source_env[@]}" "$python" manage.py migrate --noinput -v0
"${source_env[@]}" "$python" manage.py import_rome --if-empty >/dev/null
"${source_env[@]}" "$python" manage.py import_tension --if-empty >/dev/null
"${source_env[@]}" "$python" manage.py load_demo >/dev/null
"${source_env[@]}" "$python" manage.py db_fingerprint >"$work/before.json"
"${source_env[@]}" deploy/backup.sh "$work/backup.dump"
"${target_env[@]}" deploy/restore.sh "$work/backup.dump"
"${target_env[@]}" "$python" manage.py migrate --check --noinput >/dev/null
"${target_env[@]}" "$python" manage.py db_fingerprint >"$work/after.json"

"$python" - "$work/before.json" "$work/after.json" <<'PY'
import json, sys
before, after = (json.load(open(path))["tables"] for path in sys.argv[1:3])
rows = sum(t["rows"] for t in before.values())
differ = [name for name in sorted(set(before) | set(after)) if before.get(name) != after.get(name)]
for name in differ:
    print(f"drill: DIFFERS {name}: before={before.get(name)} after={after.get(name)}")
largest = sorted(before.items(), key=lambda item: -item[1]["rows"])[:6]
for name, table in largest:
    print(f"drill: {name:40} {table['rows']:>8} rows  sample {table['sample_sha256'][:12]} = restored")
print(f"drill: {len(before)} tables, {rows} rows, {len(differ)} differing")
sys.exit(1 if differ else 0)
PY
echo "drill: $mode restore verified in $(( $(date +%s) - start )) s"
