"""Prometheus metrics at ``/metrics`` (bearer-token protected).

Per-request counters and latencies are labelled by method, status class and
host kind (platform or community), not by community: thousands of communities
would explode the series count. Under gunicorn with several workers set
``PROMETHEUS_MULTIPROC_DIR`` (prometheus-client's multiprocess mode).
"""

from __future__ import annotations

import hmac
import os
import time
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django_tenants.utils import get_public_schema_name
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client import REGISTRY as DEFAULT_REGISTRY

REQUESTS = Counter("pista_http_requests_total", "HTTP requests", ["method", "status", "host_kind"])
LATENCY = Histogram(
    "pista_http_request_duration_seconds",
    "HTTP request duration",
    ["host_kind"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
COMMUNITIES = Gauge("pista_communities", "Communities by status", ["status"])

# Gauges read from the database are refreshed when the page is served; the app
# that owns the data registers the refresher (``tenants`` fills COMMUNITIES).
METRICS_REFRESHERS: dict[str, Callable[[], None]] = {}


def metrics_refresher_register(name: str, refresh: Callable[[], None]) -> None:
    """Run ``refresh()`` before every ``/metrics`` page (one per name)."""
    METRICS_REFRESHERS[name] = refresh


def _registry() -> CollectorRegistry:
    if "PROMETHEUS_MULTIPROC_DIR" in os.environ:
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
        return registry
    return DEFAULT_REGISTRY


def _authorised(request: HttpRequest) -> bool:
    token = settings.METRICS_TOKEN
    supplied = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
    return bool(token) and hmac.compare_digest(supplied.encode(), token.encode())


def metrics_response(request: HttpRequest) -> HttpResponse:
    """The metrics page: 404 when no token is configured, 401 for a wrong one."""
    if not settings.METRICS_TOKEN:
        return HttpResponse(status=404)
    if not _authorised(request):
        response = HttpResponse("Unauthorized\n", status=401, content_type="text/plain")
        response["WWW-Authenticate"] = 'Bearer realm="metrics"'
        return response
    for refresh in METRICS_REFRESHERS.values():
        refresh()
    return HttpResponse(generate_latest(_registry()), content_type=CONTENT_TYPE_LATEST)


class MetricsMiddleware:
    """Counts and times every request (placed right after the health probes)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path == "/metrics":
            return metrics_response(request)
        started = time.perf_counter()
        response = self.get_response(request)
        tenant = getattr(request, "tenant", None)
        host_kind = (
            "unknown"
            if tenant is None
            else "platform"
            if tenant.schema_name == get_public_schema_name()
            else "community"
        )
        LATENCY.labels(host_kind=host_kind).observe(time.perf_counter() - started)
        REQUESTS.labels(
            method=request.method, status=f"{response.status_code // 100}xx", host_kind=host_kind
        ).inc()
        return response
