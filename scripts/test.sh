#!/usr/bin/env bash
# The whole suite: first on the embedded defaults (SQLite, no Redis), then again
# on PostgreSQL and Redis when DATABASE_URL and REDIS_URL say where they are.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin

"$BIN/ruff" check .
"$BIN/mypy"

echo "== Test run 1: SQLite, brokerless Celery"
env -u DATABASE_URL -u REDIS_URL -u CELERY_BROKER_URL "$BIN/pytest" "$@"

if [[ -n "${DATABASE_URL:-}" || -n "${REDIS_URL:-}" ]]; then
    echo "== Test run 2: ${DATABASE_URL:+PostgreSQL }${REDIS_URL:+Redis}"
    "$BIN/python" scripts/check_services.py
    "$BIN/pytest" "$@"
fi
