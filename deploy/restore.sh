#!/usr/bin/env bash
# Restore a backup made by deploy/backup.sh into a NEW, empty database (never over a live one).
#   deploy/restore.sh BACKUP_FILE
# PostgreSQL: DATABASE_URL names the target database, which must exist and be empty (createdb first).
# SQLite: SQLITE_PATH names the target file, which must not exist yet.
set -euo pipefail
backup=${1:?usage: deploy/restore.sh BACKUP_FILE}
cd "$(dirname "$0")/.."
if [ -n "${DATABASE_URL:-}" ]; then
  tables=$(psql "$DATABASE_URL" -Atc "select count(*) from information_schema.tables where table_schema = 'public'")
  if [ "$tables" != "0" ]; then
    echo "restore: la base cible contient déjà $tables tables ; restaurez dans une base neuve (createdb)." >&2
    exit 2
  fi
  pg_restore --no-owner --no-privileges --exit-on-error --dbname="$DATABASE_URL" "$backup"
else
  target=${SQLITE_PATH:?SQLITE_PATH names the SQLite file to create}
  if [ -e "$target" ]; then
    echo "restore: $target existe déjà ; choisissez un fichier neuf." >&2
    exit 2
  fi
  cp "$backup" "$target"
  # A copied file must still be a sound database.
  check=$(sqlite3 "$target" "pragma integrity_check;")
  [ "$check" = "ok" ] || { echo "restore: intégrité SQLite en défaut : $check" >&2; exit 3; }
fi
echo "restore: $backup restored"
