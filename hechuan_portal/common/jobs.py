"""Options shared by Celery tasks that are safe to repeat (issue 22, jobs).

`RETRY_TRANSIENT`: a task that loses its database or Redis connection, hits a deadlock or a
serialization failure (all `OperationalError`s), or times out on Redis is retried with exponential
backoff (5 s, 10 s, 20 s … at most 5 min, with jitter), five times, instead of failing until the
next night's run. Only for tasks that can run twice without harm (each one's docstring says why);
the household import (`residents.import_batch`) is not one of them.
"""

from __future__ import annotations

from typing import Any

import redis.exceptions
from django.db import InterfaceError, OperationalError

TRANSIENT_ERRORS: tuple[type[BaseException], ...] = (
    OperationalError,
    InterfaceError,
    redis.exceptions.ConnectionError,
    redis.exceptions.TimeoutError,
)

RETRY_TRANSIENT: dict[str, Any] = {
    "autoretry_for": TRANSIENT_ERRORS,
    "retry_backoff": 5,
    "retry_backoff_max": 300,
    "retry_jitter": True,
    "max_retries": 5,
    "acks_late": True,
}
