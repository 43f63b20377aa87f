#!/usr/bin/env bash
# Web server, Celery worker and beat in one command; Ctrl-C stops all three.
set -euo pipefail
cd "$(dirname "$0")/.."
pids=()
cleanup() { trap - INT TERM EXIT; kill "${pids[@]}" 2>/dev/null || true; wait 2>/dev/null || true; }
trap cleanup INT TERM EXIT
.venv/bin/celery -A hechuan_portal worker --loglevel=INFO --concurrency=2 & pids+=($!)
.venv/bin/celery -A hechuan_portal beat --loglevel=INFO & pids+=($!)
PORT="${PORT:-8000}"
echo "==> serving http://127.0.0.1:${PORT}  (Ctrl-C stops web, worker and beat)"
# How to sign in: the first account is made by one command, printed here until it exists.
if .venv/bin/python manage.py shell -v 0 -c "from hechuan_portal.accounts.models import User; import sys; sys.exit(0 if User.objects.filter(is_active=True).exists() else 1)" 2>/dev/null; then
  echo "==> sign in at http://127.0.0.1:${PORT}/accounts/login/ with your portal account"
else
  echo "==> no account yet. Create the first one (a district administrator), then sign in at"
  echo "    http://127.0.0.1:${PORT}/accounts/login/ (it asks you to bind a TOTP authenticator app):"
  echo "    .venv/bin/python manage.py create_portal_user admin --role district_admin --password 'choose-a-long-one'"
fi
.venv/bin/gunicorn hechuan_portal.wsgi:application --bind "127.0.0.1:${PORT}" --workers 3 --timeout 120 \
  --access-logfile - & pids+=($!)
wait -n "${pids[@]}"
