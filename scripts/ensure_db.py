"""Create the database named by DATABASE_URL (and its postgis extension) when it is missing."""

import os
import sys
from pathlib import Path

import environ
import psycopg
from psycopg import sql

BASE_DIR = Path(__file__).resolve().parent.parent
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)
cfg = environ.Env.db_url_config(os.environ.get("DATABASE_URL", "postgis://postgres@127.0.0.1:5432/hechuan"))
params = {"host": cfg["HOST"] or "127.0.0.1", "port": cfg["PORT"] or 5432, "user": cfg["USER"] or "postgres"}
if cfg.get("PASSWORD"):
    params["password"] = cfg["PASSWORD"]

try:
    with psycopg.connect(dbname="postgres", autocommit=True, **params) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [cfg["NAME"]]).fetchone():
            print(f"==> creating database {cfg['NAME']}")
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(cfg["NAME"])))
    with psycopg.connect(dbname=cfg["NAME"], autocommit=True, **params) as conn:
        conn.execute("CREATE EXTENSION IF NOT EXISTS postgis")
except psycopg.Error as exc:
    sys.exit(f"ERROR: cannot prepare database {cfg['NAME']}: {exc}")
