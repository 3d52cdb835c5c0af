"""API rate limits: per API key, per client address, and a tighter one on the
public endpoints anyone can write to (checkout, waiting list, reports).

Each limit counts hits in fixed windows in the ``ratelimit`` cache (Redis in
production; keys carry the community's schema through the cache's key
function); the limits that apply to a request are counted together, in one
round trip (``pista.counters``). Over the limit, DRF answers ``429`` with ``Retry-After`` (seconds
to the window's end) and ``{"code": "throttled"}``. With Redis unreachable a
limit cannot count: reads, key-authenticated calls and checkout go through
(refusing them would take sales and pages down with Redis); anonymous
waiting-list sign-ups and reports are refused (what spam would hammer), as
``pista.ratelimit`` decides for its own limits.

Rates (``REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]``, ``N/second|minute|hour|day``):
``api_key``, ``address`` and ``public_write``. The client address honours
``PISTA_TRUSTED_PROXY_COUNT`` (:func:`pista.ratelimit.client_ip`).
"""

from __future__ import annotations

import logging
import time
from typing import Any

from django.core.cache import caches
from rest_framework.request import Request
from rest_framework.settings import api_settings
from rest_framework.throttling import BaseThrottle

from core_apps.integrations.models import ApiKey
from pista.counters import counters_add
from pista.ratelimit import client_ip

logger = logging.getLogger(__name__)

_PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
# Public endpoints anyone may write to, by URL name.
PUBLIC_WRITE_ENDPOINTS = frozenset({"checkout", "waitlist-join", "reports"})
# Public writes that go through while the limit cannot count (Redis down).
PUBLIC_WRITE_FAIL_OPEN = frozenset({"checkout"})
# Routes that are not counted per address: Stripe's signed webhook calls.
ADDRESS_EXEMPT = frozenset({"stripe-webhook"})
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def parse_rate(rate: str) -> tuple[int, int]:
    """``"100/minute"`` → (100, 60)."""
    count, _sep, period = rate.partition("/")
    return int(count), _PERIODS[period.strip()[0]]


def _url_name(request: Request) -> str:
    match = getattr(request._request, "resolver_match", None)
    return (match.url_name or "") if match is not None else ""


class _Limit:
    """One rate limit: ``scope`` names its rate, ``ident`` the caller it counts."""

    scope = ""

    def ident(self, request: Request) -> str | None:
        raise NotImplementedError

    def fail_open(self, request: Request) -> bool:
        return True


class _ApiKeyLimit(_Limit):
    """Requests per API key."""

    scope = "api_key"

    def ident(self, request: Request) -> str | None:
        return f"key{request.auth.pk}" if isinstance(request.auth, ApiKey) else None


class _AddressLimit(_Limit):
    """Requests per client address, for callers without an API key."""

    scope = "address"

    def ident(self, request: Request) -> str | None:
        if isinstance(request.auth, ApiKey) or _url_name(request) in ADDRESS_EXEMPT:
            return None
        return client_ip(request._request)


class _PublicWriteLimit(_Limit):
    """Writes to checkout, the waiting list and reports, per client address."""

    scope = "public_write"

    def ident(self, request: Request) -> str | None:
        if request.method in SAFE_METHODS or _url_name(request) not in PUBLIC_WRITE_ENDPOINTS:
            return None
        return f"{_url_name(request)}:{client_ip(request._request)}"

    def fail_open(self, request: Request) -> bool:
        return isinstance(request.auth, ApiKey) or _url_name(request) in PUBLIC_WRITE_FAIL_OPEN


LIMITS: tuple[_Limit, ...] = (_ApiKeyLimit(), _AddressLimit(), _PublicWriteLimit())


class ApiThrottle(BaseThrottle):
    """Every limit that applies to the request, counted in one cache round trip."""

    def __init__(self) -> None:
        self.wait_seconds: float | None = None

    def allow_request(self, request: Request, view: Any) -> bool:
        now = time.time()
        counted: dict[str, tuple[_Limit, int, int, int]] = {}
        for limit in LIMITS:
            ident = limit.ident(request)
            if ident is None:
                continue
            most, period = parse_rate(str(api_settings.DEFAULT_THROTTLE_RATES[limit.scope]))
            window = int(now // period)
            counted[f"throttle:{limit.scope}:{ident}:{window}"] = (limit, most, period, window)
        if not counted:
            return True
        try:
            hits = counters_add(
                caches["ratelimit"], {key: period + 1 for key, (_, _, period, _) in counted.items()}
            )
        except Exception:
            allowed = all(limit.fail_open(request) for limit, *_ in counted.values())
            logger.warning(
                "API throttles %s: cache unavailable, failing %s",
                ", ".join(limit.scope for limit, *_ in counted.values()),
                "open" if allowed else "closed",
                exc_info=True,
            )
            if not allowed:
                self.wait_seconds = 60.0
            return allowed
        waits = [
            max(1.0, (window + 1) * period - now)
            for count, (_, most, period, window) in zip(hits, counted.values(), strict=True)
            if count > most
        ]
        if not waits:
            return True
        self.wait_seconds = max(waits)
        return False

    def wait(self) -> float | None:
        return self.wait_seconds
