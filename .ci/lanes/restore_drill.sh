#!/usr/bin/env bash
# Backup and restore drill on PostgreSQL (deploy/restore-drill.sh), as the README's production section says.
set -euo pipefail
cd "$(dirname "$0")/../.."
bash deploy/restore-drill.sh postgresql
