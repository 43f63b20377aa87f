"""The client's address behind the district's reverse proxy.

Behind nginx every request comes from the proxy's address, so the lockout counter and the audit log
would count and record the proxy. The real client is in `X-Forwarded-For`, but only a trusted proxy
may say so — a client reaching gunicorn directly could otherwise claim any address. Trust is explicit:

- `TRUSTED_PROXIES`: the proxies' addresses or networks. A request from one of them is answered for
  the right-most `X-Forwarded-For` entry that is not itself a trusted proxy; a request from anywhere
  else for its own address, its forwarded headers dropped (`TrustedProxyMiddleware`).
- `TRUSTED_PROXY_COUNT`: when the addresses are not fixed, the number of proxies every request passes
  (gunicorn then must listen only where the proxy reaches it); the client is the address the
  outermost proxy saw, counted from the right.

With neither, forwarded headers are ignored and the peer address is the client.
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache

from django.conf import settings
from django.http import HttpRequest

FORWARDED_HEADERS = ("HTTP_X_FORWARDED_FOR", "HTTP_X_FORWARDED_PROTO", "HTTP_X_FORWARDED_HOST")

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=8)
def _networks(entries: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(entry.strip(), strict=False) for entry in entries if entry.strip())


def _trusted_networks() -> tuple[Network, ...]:
    return _networks(tuple(getattr(settings, "TRUSTED_PROXIES", ())))


def _valid(address: str | None) -> str | None:
    try:
        return str(ipaddress.ip_address((address or "").strip()))
    except ValueError:
        return None


def is_trusted_proxy(address: str | None) -> bool:
    valid = _valid(address)
    if valid is None:
        return False
    ip = ipaddress.ip_address(valid)
    return any(ip in network for network in _trusted_networks())


def proxies_configured() -> bool:
    return bool(_trusted_networks()) or getattr(settings, "TRUSTED_PROXY_COUNT", 0) > 0


def client_ip(request: HttpRequest | None) -> str | None:
    """The client's address (django-axes' AXES_CLIENT_IP_CALLABLE, and the audit log's `ip`)."""
    if request is None:
        return None
    peer = _valid(request.META.get("REMOTE_ADDR"))
    forwarded = [
        part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()
    ]
    if _trusted_networks():
        if not is_trusted_proxy(peer):
            return peer
        for hop in reversed(forwarded):
            if not is_trusted_proxy(hop):
                return _valid(hop) or peer
        return _valid(forwarded[0]) if forwarded else peer
    count = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    if count > 0 and len(forwarded) >= count:
        return _valid(forwarded[-count]) or peer
    return peer


class TrustedProxyMiddleware:
    """First in the chain: a request that did not come from a trusted proxy loses its forwarded headers,
    so neither `X-Forwarded-Proto` (SECURE_PROXY_SSL_HEADER) nor `X-Forwarded-For` can be forged by a
    client that reaches gunicorn directly. Only with TRUSTED_PROXIES (a count names no address)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if _trusted_networks() and not is_trusted_proxy(request.META.get("REMOTE_ADDR")):
            for header in FORWARDED_HEADERS:
                request.META.pop(header, None)
        return self.get_response(request)
