"""Liveness and readiness probes, answered on every host before tenant routing.

``/healthz`` says the process is alive; ``/readyz`` checks the database, Redis
(when configured) and that no migration is pending, and names what fails. The
probes are answered by the first middleware, before sessions, routing or any
page work, and readiness is computed at most once per ``READINESS_TTL_S`` per
process: a probe under load costs a dictionary lookup, not queries. Apps add
checks with :func:`readiness_check_register` (``tenants`` replaces the
migrations check with one that covers the template and every community).
"""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpRequest, HttpResponse, JsonResponse

from pista.metrics import uptime_probe_record
from pista.request_id import request_id_bind

MIGRATIONS_CHECK_TTL_S = 30.0


class NotReady(Exception):
    """A readiness check's failure whose message may be shown (it holds no secret)."""


_migrations_ok_until = 0.0


def check_database() -> None:
    connection.set_schema_to_public()
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")


def check_redis() -> None:
    if not settings.REDIS_URL:
        return
    import redis

    client = redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=2, socket_timeout=2)
    try:
        client.ping()
    finally:
        client.close()


def check_migrations() -> None:
    """Raise when the public schema has unapplied migrations (cached for a while)."""
    global _migrations_ok_until
    if time.monotonic() < _migrations_ok_until:
        return
    connection.set_schema_to_public()
    executor = MigrationExecutor(connection)
    pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if pending:
        raise NotReady(f"{len(pending)} unapplied migrations")
    _migrations_ok_until = time.monotonic() + MIGRATIONS_CHECK_TTL_S


READINESS_CHECKS: dict[str, Callable[[], None]] = {
    "database": check_database,
    "redis": check_redis,
    "migrations": check_migrations,
}
READINESS_TTL_S = 2.0
_readiness_cached: tuple[float, tuple[bool, dict[str, str]]] | None = None


def readiness_check_register(name: str, check: Callable[[], None]) -> None:
    """Add (or replace) a readiness check: a callable that raises when unready."""
    READINESS_CHECKS[name] = check


def readiness_cached() -> tuple[bool, dict[str, str]]:
    """:func:`readiness`, reused for ``READINESS_TTL_S`` seconds."""
    global _readiness_cached
    now = time.monotonic()
    if _readiness_cached is None or _readiness_cached[0] <= now:
        _readiness_cached = (now + READINESS_TTL_S, readiness())
    return _readiness_cached[1]


def readiness() -> tuple[bool, dict[str, str]]:
    """Run every readiness check; a check that depends on the database is skipped
    when the database itself is down."""
    results: dict[str, str] = {}
    for name, check in READINESS_CHECKS.items():
        if name == "migrations" and results.get("database") != "ok":
            results[name] = "skipped"
            continue
        try:
            check()
        except Exception as exc:  # any failure makes the process unready
            results[name] = (
                f"failed: {exc}" if isinstance(exc, NotReady) else (f"failed: {type(exc).__name__}")
            )
            if name == "database":
                connection.close()
        else:
            results[name] = "ok"
    return all(v in ("ok", "skipped") for v in results.values()), results


def uptime_probe() -> bool:
    """Run every readiness check now and record the minute's result for the
    weekly uptime (``pista.metrics.uptime_between``). Returns whether all passed."""
    ready, _ = readiness()
    uptime_probe_record(ok=ready)
    return ready


class HealthCheckMiddleware:
    """Answers the probes on any host, before tenant routing and HTTPS redirects."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = request_id_bind(request.headers.get("X-Request-ID"))
        if request.path == "/healthz":
            return JsonResponse({"status": "ok"})
        if request.path == "/readyz":
            ready, checks = readiness_cached()
            failing = [name for name, result in checks.items() if result.startswith("failed")]
            body = {"status": "ok" if ready else "unavailable", "checks": checks}
            if failing:
                body["failing"] = failing
            return JsonResponse(body, status=200 if ready else 503)
        response = self.get_response(request)
        response["X-Request-ID"] = request_id
        return response
