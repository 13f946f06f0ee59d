#!/usr/bin/env bash
# Back up Trajectoire's database to one file.
#   deploy/backup.sh OUT_FILE
# PostgreSQL (DATABASE_URL set): pg_dump in custom format (compressed, restorable table by table).
# SQLite (default): the online backup API, safe while the server runs (WAL).
# The file holds personal data: store it encrypted, and keep it no longer than the longest legal retention.
set -euo pipefail
out=${1:?usage: deploy/backup.sh OUT_FILE}
cd "$(dirname "$0")/.."
python=${PYTHON:-.venv/bin/python}
if [ -n "${DATABASE_URL:-}" ]; then
  pg_dump --format=custom --no-owner --no-privileges --file="$out" "$DATABASE_URL"
else
  db=$("$python" -c 'import os; os.environ.setdefault("DJANGO_SETTINGS_MODULE", "trajectoire.config.settings"); import django; django.setup(); from django.conf import settings; print(settings.DATABASES["default"]["NAME"])')
  "$python" - "$db" "$out" <<'PY'
import sqlite3, sys
source, target = sqlite3.connect(sys.argv[1]), sqlite3.connect(sys.argv[2])
with target:
    source.backup(target)
target.close(); source.close()
PY
fi
echo "backup: $out ($(du -h "$out" | cut -f1))"
