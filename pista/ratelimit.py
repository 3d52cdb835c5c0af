"""Fixed-window rate limits kept in the cache (Redis in production)."""

from __future__ import annotations

from django.core.cache import cache
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str:
    """The client's address as the web server saw it (proxy handling: see settings)."""
    return str(request.META.get("REMOTE_ADDR", "unknown"))


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
