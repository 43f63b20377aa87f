#!/usr/bin/env bash
# Prepares this machine for the portal: system packages, services, .venv, .env, database.
# Used by `make run` and `make test`; safe to run again (every step checks before it acts).
set -euo pipefail
cd "$(dirname "$0")/.."

PG_VERSION=${PG_VERSION:-15}
need_root() {
  echo "ERROR: $1" >&2
  echo "Run as root, or install by hand:  sudo $2" >&2
  exit 1
}
as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then sudo "$@"; else return 99; fi
}

# 1. System packages: PostGIS, GDAL, gettext (message catalogues), Chromium and CJK fonts for tests.
missing=()
[ -f "/usr/share/postgresql/$PG_VERSION/extension/postgis.control" ] || missing+=("postgresql-$PG_VERSION-postgis-3")
command -v gdalinfo >/dev/null || missing+=("gdal-bin")
command -v msgfmt >/dev/null || missing+=("gettext")
[ -x /usr/bin/chromium ] || missing+=("chromium")
fc-list 2>/dev/null | grep -qi "Noto Sans CJK" || missing+=("fonts-noto-cjk")
command -v redis-server >/dev/null || missing+=("redis-server")
command -v pg_ctlcluster >/dev/null || missing+=("postgresql-$PG_VERSION")
if [ ${#missing[@]} -gt 0 ]; then
  echo "==> installing system packages: ${missing[*]}"
  command -v apt-get >/dev/null || need_root "apt-get not found; install ${missing[*]}" "your package manager"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq || need_root "cannot run apt-get" "apt-get update"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null \
    || need_root "cannot install ${missing[*]}" "apt-get install -y ${missing[*]}"
fi

# 2. Services: start PostgreSQL and Redis when they do not answer.
if ! pg_isready -q -h 127.0.0.1 -p 5432; then
  echo "==> starting PostgreSQL"
  as_root pg_ctlcluster --skip-systemctl-redirect "$PG_VERSION" main start \
    || need_root "PostgreSQL is not running" "pg_ctlcluster $PG_VERSION main start"
  for _ in $(seq 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
fi
if ! (exec 3<>/dev/tcp/127.0.0.1/6379) 2>/dev/null; then
  echo "==> starting Redis"
  mkdir -p /var/lib/redis /var/log/redis 2>/dev/null || true
  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no \
    --dir /tmp --logfile /tmp/hechuan-redis.log || need_root "Redis is not running" "redis-server --daemonize yes"
  sleep 1
fi

# 3. Python environment, pinned by requirements.lock.
if [ ! -x .venv/bin/python ]; then
  echo "==> creating .venv"
  python3.11 -m venv .venv 2>/dev/null || python3 -m venv .venv
fi
stamp=.venv/.installed
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ] || [ requirements.lock -nt "$stamp" ]; then
  echo "==> installing Python packages"
  .venv/bin/pip install -q --upgrade pip
  .venv/bin/pip install -q -c requirements.lock -e '.[test]'
  touch "$stamp"
fi

# 4. Front-end packages (ECharts, marker clustering, htmx), pinned by package-lock.json; no CDN.
if [ -f package-lock.json ] && { [ ! -d node_modules ] || [ package-lock.json -nt node_modules ]; }; then
  echo "==> installing front-end packages"
  npm ci --silent --no-audit --no-fund
  touch node_modules
fi
# Only the built files the pages load are copied into static/vendor (ignored by git).
if [ -d node_modules ]; then
  mkdir -p static/vendor/echarts static/vendor/htmx static/vendor/markercluster
  cp node_modules/echarts/dist/echarts.min.js static/vendor/echarts/
  cp node_modules/htmx.org/dist/htmx.min.js static/vendor/htmx/
  # The .map too: the manifest storage (DEBUG off) follows the sourceMappingURL and fails without it.
  cp node_modules/leaflet.markercluster/dist/{leaflet.markercluster.js,leaflet.markercluster.js.map,MarkerCluster.css,MarkerCluster.Default.css} \
    static/vendor/markercluster/
fi

# 5. .env with fresh random keys on first set-up.
if [ ! -f .env ]; then
  echo "==> writing .env with new random keys"
  secret=$(.venv/bin/python -c "import secrets; print(secrets.token_urlsafe(50))")
  fkey=$(.venv/bin/python -c "import base64, os; print(base64.b64encode(os.urandom(32)).decode())")
  sed -e "s|^SECRET_KEY=.*|SECRET_KEY=$secret|" -e "s|^FIELD_ENCRYPTION_KEY=.*|FIELD_ENCRYPTION_KEY=$fkey|" \
    .env.example > .env
fi

# 6. Database with PostGIS, and the message catalogues.
.venv/bin/python scripts/ensure_db.py
.venv/bin/python manage.py compilemessages --ignore=.venv --ignore=node_modules -v 0
.venv/bin/python manage.py collectstatic --noinput -v 0
