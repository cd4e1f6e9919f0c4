#!/usr/bin/env bash
# Run the web app and a Celery worker (with beat) together; stop both on Ctrl-C.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
PORT="${PORT:-8000}"

"$BIN/celery" -A config worker --beat --loglevel=info --concurrency=2 -Q celery,solver \
    --schedule=var/celerybeat-schedule &
worker=$!
trap 'kill "$worker" 2>/dev/null; wait "$worker" 2>/dev/null' EXIT INT TERM

echo "Venster runs at http://127.0.0.1:${PORT}/ (Ctrl-C stops it)"
"$BIN/python" manage.py runserver "127.0.0.1:${PORT}" --noreload
