"""/healthz: 200 only when PostgreSQL and Redis both answer; 503 naming the one that failed."""

from __future__ import annotations

import redis
from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache

_redis_client: redis.Redis | None = None


def _redis() -> redis.Redis:
    global _redis_client
    if _redis_client is None:
        # Short timeouts: a health check must answer quickly even when Redis is gone.
        _redis_client = redis.Redis.from_url(settings.REDIS_URL, socket_timeout=1, socket_connect_timeout=1)
    return _redis_client


def check_database() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except Exception:
        return False


def check_redis() -> bool:
    try:
        return bool(_redis().ping())
    except Exception:
        return False


@never_cache
def healthz(request):
    checks = {
        "database": "ok" if check_database() else "unavailable",
        "redis": "ok" if check_redis() else "unavailable",
    }
    status = 200 if all(v == "ok" for v in checks.values()) else 503
    return JsonResponse(checks, status=status)
