#!/usr/bin/env bash
# Web server, Celery worker and beat in one command; Ctrl-C stops all three.
set -euo pipefail
cd "$(dirname "$0")/.."
pids=()
cleanup() { trap - INT TERM EXIT; kill "${pids[@]}" 2>/dev/null || true; wait 2>/dev/null || true; }
trap cleanup INT TERM EXIT
.venv/bin/celery -A hechuan_portal worker --loglevel=INFO --concurrency=2 & pids+=($!)
.venv/bin/celery -A hechuan_portal beat --loglevel=INFO & pids+=($!)
echo "==> serving http://127.0.0.1:8000  (Ctrl-C stops web, worker and beat)"
.venv/bin/gunicorn hechuan_portal.wsgi:application --bind 127.0.0.1:8000 --workers 3 --timeout 120 \
  --access-logfile - & pids+=($!)
wait -n "${pids[@]}"
