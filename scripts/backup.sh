#!/usr/bin/env bash
# make backup [FILE=…] / make restore FILE=…: a custom-format pg_dump of the database of DATABASE_URL.
set -euo pipefail
cd "$(dirname "$0")/.."
action=${1:?backup or restore}
file=${2:-}
url=$(.venv/bin/python -c "
import os, environ; environ.Env.read_env('.env', overwrite=False)
print(os.environ.get('DATABASE_URL', 'postgis://postgres@127.0.0.1:5432/hechuan').replace('postgis://', 'postgresql://', 1))")
case "$action" in
  backup)
    file=${file:-backups/hechuan-$(date +%Y%m%d-%H%M%S).dump}
    mkdir -p "$(dirname "$file")"
    pg_dump --format=custom --no-owner --file="$file" "$url"
    echo "backup written to $file" ;;
  restore)
    [ -n "$file" ] && [ -f "$file" ] || { echo "ERROR: make restore FILE=path/to/backup.dump" >&2; exit 1; }
    # --clean drops what the dump holds before recreating it; one transaction: all or nothing.
    pg_restore --clean --if-exists --no-owner --single-transaction --dbname="$url" "$file"
    echo "restored $file" ;;
  *) echo "usage: $0 backup|restore [FILE]" >&2; exit 2 ;;
esac
