#!/usr/bin/env bash
# Run the portal on the embedded default: SQLite, a broker stored in SQLite with a real Celery worker
# process, database search and the development identity issuer. Data lives in ./var.
# Usage: scripts/run.sh [--port 8000] [--host 127.0.0.1]
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh runtime
export M24_ENV="${M24_ENV:-development}"
.venv/bin/m24 db upgrade
.venv/bin/m24 seed --scale "${M24_SEED_SCALE:-500}"
exec .venv/bin/m24 serve "$@"
