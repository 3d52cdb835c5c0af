"""Fixed-window rate limits kept in the cache (Redis in production)."""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str:
    """The client's address. ``X-Forwarded-For`` counts only for the hops added by
    the ``PISTA_TRUSTED_PROXY_COUNT`` proxies we run: entries further left are
    whatever the client chose to send."""
    # No REMOTE_ADDR only happens for requests built in-process.
    remote = str(request.META.get("REMOTE_ADDR") or "0.0.0.0")  # noqa: S104
    trusted = settings.PISTA_TRUSTED_PROXY_COUNT
    if trusted <= 0:
        return remote
    hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    hops = [hop for hop in hops if hop]
    return hops[-trusted] if len(hops) >= trusted else remote


def axes_client_ip(request: HttpRequest) -> str:
    return client_ip(request)


def rate_limit_exceeded(*, scope: str, key: str, limit: int, window_s: int) -> bool:
    """Count one hit for ``key`` in ``scope``; True once more than ``limit`` hits
    happened in the current ``window_s``-second window."""
    cache_key = f"ratelimit:{scope}:{key}"
    if cache.add(cache_key, 1, window_s):
        return limit < 1
    try:
        hits = cache.incr(cache_key)
    except ValueError:  # expired between add and incr
        cache.add(cache_key, 1, window_s)
        hits = 1
    return hits > limit
