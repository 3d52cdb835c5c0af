"""Prometheus metrics at ``/metrics`` (bearer-token protected).

Per-request counters and latencies are labelled by route name (the URL
pattern's name, never the raw path), status class, host kind (platform or
community) and plan tier, not by community: thousands of communities would
explode the series count. Under gunicorn with several workers, and to merge
the Celery workers' series, set ``PROMETHEUS_MULTIPROC_DIR`` (prometheus-client's
multiprocess mode) to a directory shared by them all.

Domain code records what only it knows through the hooks here
(``checkout_outcome_record``, ``webhook_lag_observe``); platform code plugs in
what only it knows (``metrics_refresher_register``, ``plan_tier_resolver_register``).
``docs/operations/metrics.md`` lists every series and the alert rules.
"""

from __future__ import annotations

import hmac
import logging
import math
import os
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django_tenants.utils import get_public_schema_name, schema_context
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

from pista.counters import counters_add
from pista.request_id import user_id_bind

logger = logging.getLogger(__name__)

REQUESTS = Counter(
    "pista_http_requests_total",
    "HTTP requests by route name, method, status class, host kind and plan tier",
    ["route", "method", "status", "host_kind", "plan"],
)
LATENCY = Histogram(
    "pista_http_request_duration_seconds",
    "HTTP request duration by route name, status class, host kind and plan tier",
    ["route", "status", "host_kind", "plan"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
# Read at scrape: in multiprocess mode the latest scrape's value wins.
COMMUNITIES = Gauge(
    "pista_communities", "Communities by status", ["status"], multiprocess_mode="mostrecent"
)
CELERY_TASKS = Counter(
    "pista_celery_tasks_total", "Celery tasks finished, by task name and state", ["task", "state"]
)
CELERY_TASK_FAILURES = Counter(
    "pista_celery_task_failures_total", "Celery tasks that raised, by task name", ["task"]
)
CELERY_TASK_DURATION = Histogram(
    "pista_celery_task_duration_seconds",
    "Celery task run time by task name",
    ["task"],
    buckets=(0.05, 0.25, 1, 5, 15, 60, 300),
)
CELERY_QUEUE_LENGTH = Gauge(
    "pista_celery_queue_length",
    "Messages waiting in a Celery queue (at scrape)",
    ["queue"],
    multiprocess_mode="mostrecent",
)
CELERY_QUEUE_SCRAPE_ERRORS = Counter(
    "pista_celery_queue_scrape_errors_total", "Failed reads of the broker's queue lengths"
)
CHECKOUT_OUTCOMES = Counter(
    "pista_checkout_outcomes_total",
    "Checkout registrations by outcome: sold, waitlisted or refused",
    ["outcome"],
)
WEBHOOK_LAG = Histogram(
    "pista_webhook_lag_seconds",
    "Time from an event's creation at the sender to its receipt",
    ["source"],
    buckets=(1, 5, 15, 60, 300, 900, 3600, 6 * 3600, 24 * 3600),
)
# The on-sale queue's status and join endpoints are answered before routing and
# the request series (thousands of polls a second): they count here, in process.
SALE_QUEUE_ANSWERS = Counter(
    "pista_sale_queue_answers_total",
    "On-sale queue status and join answers, by action and the state told",
    ["action", "state"],
)
SALE_QUEUE_ANSWER_DURATION = Histogram(
    "pista_sale_queue_answer_duration_seconds",
    "Time to answer an on-sale queue status or join request",
    ["action"],
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1),
)

CHECKOUT_OUTCOME_NAMES = frozenset({"sold", "waitlisted", "refused"})
SALE_QUEUE_ACTIONS = frozenset({"status", "join"})
PLAN_UNKNOWN = "unknown"

# Gauges read from the database are refreshed when the page is served; the app
# that owns the data registers the refresher (``tenants`` fills COMMUNITIES).
METRICS_REFRESHERS: dict[str, Callable[[], None]] = {}
# tenant -> plan tier name (plans fill it in; "unknown" until then). Must be
# cheap (cached): it runs on every request.
_PLAN_TIER_RESOLVER: list[Callable[[Any], str]] = []


def metrics_refresher_register(name: str, refresh: Callable[[], None]) -> None:
    """Run ``refresh()`` before every ``/metrics`` page (one per name)."""
    METRICS_REFRESHERS[name] = refresh


def plan_tier_resolver_register(resolve: Callable[[Any], str]) -> None:
    """Name the plan tier of a request's tenant (the ``plan`` label); replaces
    any earlier resolver. Keep the set of names small (Free, Pro, Business…)."""
    _PLAN_TIER_RESOLVER[:] = [resolve]


def plan_tier(tenant: Any) -> str:
    if tenant is None or not _PLAN_TIER_RESOLVER:
        return PLAN_UNKNOWN
    if tenant.schema_name == get_public_schema_name():
        return "platform"
    try:
        return str(_PLAN_TIER_RESOLVER[0](tenant) or PLAN_UNKNOWN)
    except Exception:  # a metrics label never breaks a request
        logger.exception("Plan tier resolver failed")
        return PLAN_UNKNOWN


def checkout_outcome_record(outcome: str, count: int = 1) -> None:
    """Count ``count`` checkout registrations as ``outcome`` (sold, waitlisted, refused)."""
    if outcome not in CHECKOUT_OUTCOME_NAMES:
        raise ValueError(f"Unknown checkout outcome {outcome!r}")
    if count > 0:
        CHECKOUT_OUTCOMES.labels(outcome=outcome).inc(count)


def sale_queue_answer_record(*, action: str, state: str, seconds: float) -> None:
    """Count one answer of the queue's ``action`` endpoint (status, join) that
    told ``state`` (a line state, or ``invalid``, ``cross_site``,
    ``unavailable``), and its time."""
    if action not in SALE_QUEUE_ACTIONS:
        raise ValueError(f"Unknown sale queue action {action!r}")
    SALE_QUEUE_ANSWERS.labels(action=action, state=state).inc()
    SALE_QUEUE_ANSWER_DURATION.labels(action=action).observe(seconds)


def webhook_lag_observe(*, source: str, created: Any) -> None:
    """Record the lag of a webhook event created at ``created`` (Unix seconds,
    as Stripe's ``event.created``); ignored when missing or unusable."""
    try:
        lag = time.time() - float(created)
    except (TypeError, ValueError):
        return
    WEBHOOK_LAG.labels(source=source).observe(max(lag, 0.0))


# --- Celery ---------------------------------------------------------------


def celery_signals_connect() -> None:
    """Count finished and failed tasks (pista.celery connects this in every process)."""
    from celery import signals

    started: dict[str, float] = {}

    def _prerun(task_id: str | None = None, **_: Any) -> None:
        if task_id:
            started[task_id] = time.perf_counter()

    def _postrun(
        task_id: str | None = None, task: Any = None, state: str | None = None, **_: Any
    ) -> None:
        name = getattr(task, "name", None) or "unknown"
        CELERY_TASKS.labels(task=name, state=state or "UNKNOWN").inc()
        began = started.pop(task_id or "", None)
        if began is not None:
            CELERY_TASK_DURATION.labels(task=name).observe(time.perf_counter() - began)

    def _failure(sender: Any = None, **_: Any) -> None:
        CELERY_TASK_FAILURES.labels(task=getattr(sender, "name", None) or "unknown").inc()

    signals.task_prerun.connect(_prerun, weak=False, dispatch_uid="pista-metrics-prerun")
    signals.task_postrun.connect(_postrun, weak=False, dispatch_uid="pista-metrics-postrun")
    signals.task_failure.connect(_failure, weak=False, dispatch_uid="pista-metrics-failure")


def celery_queue_names() -> list[str]:
    names = {settings.CELERY_TASK_DEFAULT_QUEUE}
    for route in getattr(settings, "CELERY_TASK_ROUTES", {}).values():
        if isinstance(route, dict) and route.get("queue"):
            names.add(route["queue"])
    return sorted(names)


def celery_queue_lengths_refresh(queues: Iterable[str] | None = None) -> None:
    """Read the Redis broker's queue lengths (LLEN) into the gauge. A broker
    that is down or not Redis leaves the gauge as it was and counts an error."""
    url = settings.CELERY_BROKER_URL or ""
    if not url.startswith(("redis://", "rediss://")):
        return
    import redis

    try:
        client = redis.Redis.from_url(url, socket_timeout=0.5, socket_connect_timeout=0.5)
        try:
            for queue in queues or celery_queue_names():
                CELERY_QUEUE_LENGTH.labels(queue=queue).set(client.llen(queue))
        finally:
            client.close()
    except (redis.RedisError, OSError):
        CELERY_QUEUE_SCRAPE_ERRORS.inc()
        logger.warning("Reading the Celery queue lengths failed", exc_info=True)


metrics_refresher_register("celery-queues", celery_queue_lengths_refresh)


# --- Per community and platform-wide: the health of recent requests ------
# Kept in the cache under the public schema's keys, not as series: hourly
# counters by status class and by latency bucket, per community for the
# console's community page (a day) and for all hosts together for the weekly
# report (``tenants.console.selectors.platform_week_report``, eight days).

LAST_SEEN_PREFIX = "pista:last-seen:"
HEALTH_PREFIX = "pista:req-health:"
PLATFORM_HEALTH_PREFIX = "pista:req-week:"
LAST_SEEN_EVERY_S = 60
LAST_SEEN_TTL_S = 400 * 86400
HEALTH_TTL_S = 26 * 3600
PLATFORM_HEALTH_TTL_S = 8 * 86400
STATUS_CLASSES = ("2xx", "3xx", "4xx", "5xx")
# Upper bounds of the latency buckets, in milliseconds; slower lands in "inf".
LATENCY_BOUNDS_MS = (100, 250, 500, 1000, 2500, 5000)
SLOW_MS = 1000
_last_seen_written: dict[str, float] = {}


def _hour(now: float) -> str:
    return datetime.fromtimestamp(now, UTC).strftime("%Y%m%d%H")


def _bucket(seconds: float) -> str:
    ms = seconds * 1000
    return next((f"le{bound}" for bound in LATENCY_BOUNDS_MS if ms <= bound), "inf")


def _bucket_names() -> list[str]:
    return [*(f"le{bound}" for bound in LATENCY_BOUNDS_MS), "inf"]


def _request_note(schema: str | None, status: int, seconds: float) -> None:
    """Count one request platform-wide and, for a community (``schema``), for it
    (one round trip)."""
    now = time.time()
    hour = _hour(now)
    names = (f"{status // 100}xx", _bucket(seconds))
    lifetimes = {f"{PLATFORM_HEALTH_PREFIX}{hour}:{name}": PLATFORM_HEALTH_TTL_S for name in names}
    if schema is not None:
        lifetimes.update({f"{HEALTH_PREFIX}{schema}:{hour}:{name}": HEALTH_TTL_S for name in names})
    with schema_context(get_public_schema_name()):
        counters_add(cache, lifetimes)
        if schema is None:
            return
        if now - _last_seen_written.get(schema, 0) >= LAST_SEEN_EVERY_S:
            _last_seen_written[schema] = now
            cache.set(f"{LAST_SEEN_PREFIX}{schema}", int(now), LAST_SEEN_TTL_S)


def communities_last_seen(schemas: Iterable[str]) -> dict[str, datetime]:
    """When each community last answered a request (to the minute), if known."""
    keys = {f"{LAST_SEEN_PREFIX}{schema}": schema for schema in schemas}
    with schema_context(get_public_schema_name()):
        found = cache.get_many(list(keys))
    return {keys[key]: datetime.fromtimestamp(int(value), UTC) for key, value in found.items()}


@dataclass(frozen=True)
class RequestHealth:
    """Requests of a period by status class and by latency bucket."""

    by_class: dict[str, int]
    by_bucket: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.by_class.values())

    @property
    def errors(self) -> int:
        """Server errors (5xx): what the error rate counts."""
        return self.by_class.get("5xx", 0)

    @property
    def error_rate(self) -> float | None:
        return self.errors / self.total if self.total else None

    @property
    def slow(self) -> int:
        """Requests that took longer than a second."""
        return sum(
            n for name, n in self.by_bucket.items() if name == "inf" or int(name[2:]) > SLOW_MS
        )

    @property
    def p95_ms(self) -> int | None:
        """The upper bound of the latency bucket the 95th percentile falls in
        (None without requests, or when it is slower than the last bound)."""
        counted = sum(self.by_bucket.values())
        if not counted:
            return None
        rank, seen = math.ceil(counted * 0.95), 0
        for bound in LATENCY_BOUNDS_MS:
            seen += self.by_bucket.get(f"le{bound}", 0)
            if seen >= rank:
                return bound
        return None

    @property
    def p95_beyond_bounds(self) -> bool:
        """The 95th percentile is slower than the last bucket's bound."""
        return bool(sum(self.by_bucket.values())) and self.p95_ms is None

    @property
    def bounds_max_ms(self) -> int:
        return LATENCY_BOUNDS_MS[-1]


def _health_read(prefix: str, hours: int, now: float | None) -> RequestHealth:
    now = time.time() if now is None else now
    names = [*STATUS_CLASSES, *_bucket_names()]
    keys = {f"{prefix}{_hour(now - 3600 * n)}:{name}": name for n in range(hours) for name in names}
    with schema_context(get_public_schema_name()):
        found = cache.get_many(list(keys))
    totals = dict.fromkeys(names, 0)
    for key, value in found.items():
        totals[keys[key]] += int(value)
    return RequestHealth(
        by_class={name: totals[name] for name in STATUS_CLASSES},
        by_bucket={name: totals[name] for name in _bucket_names()},
    )


def community_request_health(schema: str, *, hours: int = 24) -> RequestHealth:
    """Requests to ``schema`` in the last ``hours`` (at most a day is kept)."""
    return _health_read(f"{HEALTH_PREFIX}{schema}:", min(hours, 24), None)


def platform_request_health(*, hours: int = 168, now: float | None = None) -> RequestHealth:
    """Requests to every host in the ``hours`` before ``now`` (at most a week)."""
    return _health_read(PLATFORM_HEALTH_PREFIX, min(hours, 168), now)


# --- Uptime: a readiness probe every minute, from the beat -----------------
# One cache entry per minute says whether the probe passed; a minute without
# one (the database, Redis or the workers were down) counts as down.

PROBE_PREFIX = "pista:probe:"
PROBE_FIRST_KEY = "pista:probe:first"
PROBE_TTL_S = 8 * 86400


def uptime_probe_record(*, ok: bool, now: float | None = None) -> None:
    """Record this minute's probe result (the first result of a minute stays)."""
    minute = int((time.time() if now is None else now) // 60)
    with schema_context(get_public_schema_name()):
        cache.add(f"{PROBE_PREFIX}{minute}", 1 if ok else 0, PROBE_TTL_S)
        first = cache.get(PROBE_FIRST_KEY)
        if first is None or minute < int(first):
            cache.set(PROBE_FIRST_KEY, minute, None)


@dataclass(frozen=True)
class Uptime:
    """Minutes of a period with a passing probe, a failing one, or none."""

    expected: int
    ok: int
    failed: int

    @property
    def missing(self) -> int:
        return self.expected - self.ok - self.failed

    @property
    def ratio(self) -> float | None:
        return self.ok / self.expected if self.expected else None


def uptime_between(*, start: float, end: float) -> Uptime:
    """Uptime over the whole minutes from ``start`` to ``end`` (epoch seconds),
    counted from the first probe ever recorded."""
    first_minute, end_minute = int(start // 60), int(end // 60)
    with schema_context(get_public_schema_name()):
        first_probe = cache.get(PROBE_FIRST_KEY)
        if first_probe is None:
            return Uptime(expected=0, ok=0, failed=0)
        minutes = range(max(first_minute, int(first_probe)), end_minute)
        found = cache.get_many([f"{PROBE_PREFIX}{minute}" for minute in minutes])
    ok = sum(1 for value in found.values() if int(value) == 1)
    return Uptime(expected=len(minutes), ok=ok, failed=len(found) - ok)


# --- The page and the middleware -----------------------------------------


def _registry() -> CollectorRegistry:
    if "PROMETHEUS_MULTIPROC_DIR" in os.environ:
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
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
    for name, refresh in METRICS_REFRESHERS.items():
        try:
            refresh()
        except Exception:  # one failing source never hides the others
            logger.exception("Refreshing metrics %s failed", name)
    return HttpResponse(generate_latest(_registry()), content_type=CONTENT_TYPE_LATEST)


def route_name(request: HttpRequest) -> str:
    """The matched URL pattern's name (``view_name``), or its route; ``none``
    when nothing matched (404s, middleware answers)."""
    match = getattr(request, "resolver_match", None)
    if match is None:
        return "none"
    return str(match.view_name or match.route or "none")[:120]


class MetricsMiddleware:
    """Counts and times every request (placed right after the health probes),
    and binds the signed-in user's id for the logs once authentication ran."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path == "/metrics":
            return metrics_response(request)
        user_id_bind(None)
        started = time.perf_counter()
        response = self.get_response(request)
        elapsed = time.perf_counter() - started
        tenant = getattr(request, "tenant", None)
        public = tenant is not None and tenant.schema_name == get_public_schema_name()
        host_kind = "unknown" if tenant is None else "platform" if public else "community"
        status = f"{response.status_code // 100}xx"
        route = route_name(request)
        plan = plan_tier(tenant)
        LATENCY.labels(route=route, status=status, host_kind=host_kind, plan=plan).observe(elapsed)
        REQUESTS.labels(
            route=route, method=request.method, status=status, host_kind=host_kind, plan=plan
        ).inc()
        try:
            schema = tenant.schema_name if tenant is not None and not public else None
            _request_note(schema, response.status_code, elapsed)
        except Exception:  # bookkeeping never breaks a request
            logger.warning("Noting a request's health failed", exc_info=True)
        return response

    def process_view(self, request: HttpRequest, *args: Any) -> None:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            user_id_bind(user.pk)
