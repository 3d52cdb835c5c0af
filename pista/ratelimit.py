"""Fixed-window rate limits kept in the cache (Redis in production).

When the cache is unreachable a limit cannot count, so each limit says what
an outage means: ``fail_open`` limits (lookups a page makes, such as the slug
check) let the request through — refusing them would take pages down with
Redis — while the default, fail-closed, refuses: sign-ups, password tries and
exports are what an attacker would hammer while Redis is down. (Sign-in is
throttled by django-axes in the database, so it keeps working without Redis.)
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.cache import caches
from django.http import HttpRequest

from pista.counters import counter_add

logger = logging.getLogger(__name__)


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


def rate_limit_exceeded(
    *, scope: str, key: str, limit: int, window_s: int, fail_open: bool = False
) -> bool:
    """Count one hit for ``key`` in ``scope``; True once more than ``limit`` hits
    happened in the current ``window_s``-second window. With the cache down:
    ``fail_open`` (False → refuse)."""
    cache = caches["ratelimit"]
    cache_key = f"ratelimit:{scope}:{key}"
    try:
        hits = counter_add(cache, cache_key, window_s)
    except Exception:  # the cache server is unreachable: no count to go by
        logger.warning(
            "rate limit %s: cache unavailable, failing %s",
            scope,
            "open" if fail_open else "closed",
            exc_info=True,
        )
        return not fail_open
    return hits > limit
