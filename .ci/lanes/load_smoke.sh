#!/usr/bin/env bash
# Load smoke: bench/load.py with 5 counsellors for 15 s on PostgreSQL (127.0.0.1:5432, a throwaway database it
# creates and drops), gunicorn started with deploy/gunicorn.conf.py in production settings.
#
# Fails only on errors: a failed or refused request, a 5xx, a traceback in the server log, a worker that had to
# be replaced, or a server that does not start. Latency and memory are printed but not judged here: CI machines
# are too noisy for the bars of docs/performance.md (run the full bench for those).
set -euo pipefail
cd "$(dirname "$0")/../.."

if ! pg_isready -q -h 127.0.0.1 -p 5432; then
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start
  for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
fi
exec .venv/bin/python bench/load.py --users 5 --duration 15 --spawn-rate 5 --errors-only "$@"
