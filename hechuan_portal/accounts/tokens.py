"""API tokens and per-client throttling for the API.

`ApiTokenAuthentication` reads `Authorization: Token <key>`, looks the key up by its SHA-256 (the key
itself is never stored) and accepts it while it has not expired, its account is active and the
account's credentials fingerprint is the one the token was issued under (models.ApiToken).

`ClientRateThrottle` limits a named scope per client address (through the trusted proxies, as the
lockout does), on the Redis cache: a view sets `throttle_classes = [ClientRateThrottle]` and
`throttle_scope = "token"` / `"near"`; rates are settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"].
Over the rate the API answers 429 `throttled` with `Retry-After`.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from typing import Any

import redis
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.throttling import ScopedRateThrottle

from .models import ApiToken
from .proxies import client_ip

KEYWORD = "Token"
# Writing last_used on every request would turn each API read into a write; once a minute is enough.
LAST_USED_RESOLUTION = timedelta(minutes=1)


def token_digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def new_token_key() -> str:
    # 160 random bits as 40 hex digits, the length clients already handle.
    return secrets.token_hex(20)


def token_lifetime() -> timedelta:
    return timedelta(days=settings.API_TOKEN_TTL_DAYS)


class ApiTokenAuthentication(BaseAuthentication):
    def authenticate(self, request) -> tuple[Any, ApiToken] | None:
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() != KEYWORD.lower().encode():
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed(_("令牌格式不正确。"))
        try:
            key = parts[1].decode()
        except UnicodeError:
            raise exceptions.AuthenticationFailed(_("令牌格式不正确。")) from None
        token = ApiToken.objects.select_related("user").filter(digest=token_digest(key)).first()
        if token is None or not token.is_valid():
            raise exceptions.AuthenticationFailed(_("令牌无效、已过期或已被撤销。"))
        now = timezone.now()
        if token.last_used is None or now - token.last_used > LAST_USED_RESOLUTION:
            ApiToken.objects.filter(pk=token.pk).update(last_used=now)
        return token.user, token

    def authenticate_header(self, request) -> str:
        return KEYWORD


_redis_client: redis.Redis | None = None
_hit_script: Any = None

# One command for a throttle hit: count the request, start the window when the key has no expiry
# yet (its first request; EXPIRE NX did the same), and answer the count and the seconds left. A
# script runs atomically, like the MULTI transaction it replaces, but is one command and one reply
# where the transaction sent five and parsed five on the `near` search's hot path (issue 19).
_HIT_LUA = """
local count = redis.call('INCR', KEYS[1])
local ttl = redis.call('TTL', KEYS[1])
if ttl < 0 then
  redis.call('EXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
return {count, ttl}
"""


def _redis() -> redis.Redis:
    # Created on first use, so each worker process (after the fork) has its own connection pool.
    global _redis_client, _hit_script
    if _redis_client is None:
        _redis_client = redis.Redis.from_url(settings.REDIS_URL)
        # EVALSHA by the script's digest; redis-py loads the script again after NOSCRIPT (a restart).
        _hit_script = _redis_client.register_script(_HIT_LUA)
    return _redis_client


def throttle_key(scope: str, ident: str) -> str:
    return f"hechuan:throttle:{scope}:{ident}"


def throttle_hit(key: str, window: int) -> tuple[int, int]:
    """Count one request in a fixed window of `window` seconds: (requests so far, seconds left).

    One round trip and one command (`_HIT_LUA`). DRF's own throttle reads and rewrites a pickled list
    of timestamps (two round trips and up to 600 floats per request at the `near` rate)."""
    _redis()
    count, ttl = _hit_script(keys=[key], args=[window])
    return int(count), max(int(ttl), 1)


def throttle_reset(scope: str, *idents: str) -> None:
    """Forget the counts of these clients (tests, and an administrator lifting a limit)."""
    if idents:
        _redis().delete(*(throttle_key(scope, ident) for ident in idents))


class ClientRateThrottle(ScopedRateThrottle):
    """A scope's rate counted per client address (signed in or not), in a fixed window on Redis.

    The window starts with a client's first request and lasts the rate's period; over the rate the
    answer is 429 with `Retry-After` = the seconds left in the window."""

    _wait: int | None = None

    def allow_request(self, request, view) -> bool:
        self.scope = getattr(view, self.scope_attr, None)
        if not self.scope:
            return True
        self.rate = self.get_rate()
        self.num_requests, self.duration = self.parse_rate(self.rate)
        count, self._wait = throttle_hit(self.get_cache_key(request, view), self.duration)
        return count <= self.num_requests

    def get_cache_key(self, request, view) -> str:
        return throttle_key(str(self.scope), client_ip(request) or "unknown")

    def wait(self) -> float | None:
        return self._wait


class ApiTokenScheme(OpenApiAuthenticationExtension):
    """The OpenAPI description of ApiTokenAuthentication (registered by being defined)."""

    target_class = "hechuan_portal.accounts.tokens.ApiTokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": 'Token-based authentication with required prefix "Token"',
        }
