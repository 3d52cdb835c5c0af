"""On-sale queue benchmark: a rush of visitors through an event's line, through gunicorn.

Run from the repository root: ``.venv/bin/python bench/onsale_queue.py
[--visitors 10000] [--places 500] [--rate 6000] [--window 10]``. Needs Redis
(``REDIS_URL``; the line lives there: without it the bench prints that it
skipped and a JSON line saying so). It provisions a temporary community
with one event of ``--places`` places sold through its on-sale queue
(``--rate`` admissions a minute, ``--window`` minutes to check out), starts
gunicorn (``--workers`` gthread workers of ``--threads`` threads, DEBUG off)
against the configured database, and:

1. **join**: every visitor takes a place (``POST /queue/<event>/join/``)
   before the line opens, from ``--clients`` client threads;
2. **rush**: the line opens; each visitor polls its status
   (``GET /queue/<event>/status/``) as often as the answer says, and once
   admitted checks out with its pass (``POST /api/v1/checkout/``, header
   ``X-Pista-Queue-Pass``); sold out is an expected answer once the places
   are gone;
3. **status polls/s**: ``--poll-seconds`` of status polls for a waiting place
   from ``--poll-processes`` client processes of ``--poll-threads`` keep-alive
   connections, and, as baselines in the same run, the same load on the
   event's page and on ``/healthz``. Each answer says how many SQL statements
   it ran (``bench/query_count_wsgi.py`` wraps the application), summed into
   ``status_db_queries``; and a second gunicorn whose database address leads
   nowhere must answer the same polls (``status_without_database``).

It checks in the database that no place was oversold, one position per sale,
every admitted visitor who tried got an order within its window or a sold-out
answer once every place was gone, and nothing answered 5xx. The community is
dropped at the end. Last line: one JSON object.
"""

from __future__ import annotations

import argparse
import heapq
import http.client
import json
import multiprocessing
import os
import queue
import subprocess
import sys
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import timedelta
from http.cookies import SimpleCookie
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
# The settings' durable copy to Redis goes through the outbox: deliver it here.
os.environ.setdefault("PISTA_CELERY_EAGER", "1")
os.environ.setdefault("EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend")

import checkout as base
import server
from django.conf import settings
from django.db import connection
from django.utils import timezone
from django_tenants.utils import schema_context

from core_apps.events.models import Event
from core_apps.orders.models import Order, Position
from core_apps.ticketing.models import Product, Quota
from core_apps.ticketing.salequeue.passes import ticket_cookie_name
from core_apps.ticketing.salequeue.services import sale_queue_update
from tenants.models import Community
from tenants.provisioning.services import community_create

ROOT = base.ROOT


@dataclass
class Visitor:
    index: int
    ticket: str = ""
    position: int = 0
    polls: int = 0
    admitted_at: float = 0.0
    expires_in_s: float = 0.0
    pass_token: str = ""
    outcome: str = ""  # sold, sold_out, or what went wrong
    checkout_ms: float = 0.0
    checked_out_at: float = 0.0


@dataclass
class Tally:
    lock: threading.Lock = field(default_factory=threading.Lock)
    errors: list[str] = field(default_factory=list)
    status_ms: list[float] = field(default_factory=list)
    polls: int = 0


class Connection:
    """One keep-alive HTTP connection (per client thread), reopened on failure."""

    def __init__(self, port: int, host: str) -> None:
        self.port, self.host = port, host
        self.conn: http.client.HTTPConnection | None = None

    def request(
        self, method: str, path: str, *, body: str | None = None, headers: dict | None = None
    ) -> tuple[int, dict, http.client.HTTPResponse | None]:
        all_headers = {"Host": self.host, **(headers or {})}
        for attempt in range(2):
            if self.conn is None:
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
            try:
                self.conn.request(method, path, body=body, headers=all_headers)
                response = self.conn.getresponse()
                raw = response.read()
                if response.getheader("Connection", "").lower() == "close":
                    self.conn.close()
                    self.conn = None
                data = {}
                if response.getheader("Content-Type", "").startswith("application/json"):
                    data = json.loads(raw or b"{}")
                return response.status, data, response
            except (OSError, http.client.HTTPException):
                if self.conn is not None:
                    self.conn.close()
                self.conn = None
                if attempt:
                    return 0, {}, None
        return 0, {}, None


def event_create(schema: str, places: int, label: str) -> tuple[int, int, int, str]:
    """An event of ``places`` places (one product), queued, its line not open yet."""
    with schema_context(schema):
        starts = timezone.now() + timedelta(days=30)
        event = Event.objects.create(
            title=f"Bench rush {label}",
            slug=f"bench-rush-{label}",
            time_zone="Europe/Berlin",
            kind=Event.Kind.FESTIVAL,
            status=Event.Status.PUBLISHED,
            starts_at=starts,
            ends_at=starts + timedelta(days=2),
        )
        quota = Quota.objects.create(name="Rush", size=places, event=event)
        product = Product.objects.create(
            name="Festival pass",
            event=event,
            price_minor=9900,
            currency="EUR",
            status=Product.Status.PUBLISHED,
        )
        product.quotas.set([quota])
        return event.pk, product.pk, quota.pk, event.slug


def queue_set(schema: str, event_id: int, *, rate: int, window: int, opens_in_s: float) -> None:
    with schema_context(schema):
        sale_queue_update(
            actor=None,
            event=Event.objects.get(pk=event_id),
            is_enabled=True,
            rate_per_minute=rate,
            window_minutes=window,
            opens_at=timezone.now() + timedelta(seconds=opens_in_s),
        )


def queue_server_start(
    port: int, args: argparse.Namespace, log: Path, *, database_url: str = ""
) -> subprocess.Popen:
    """gunicorn's gthread workers serving Pista, its answers counting their SQL
    statements; ``database_url`` replaces the database's address."""
    env = server.server_env(**server.ONE_ADDRESS_LIMITS_LIFTED)
    env.pop("PISTA_CELERY_EAGER", None)
    if database_url:
        env["DATABASE_URL"] = database_url
    return server.gunicorn_start(
        "query_count_wsgi:application",
        port=port,
        env=env,
        log=log,
        workers=args.workers,
        threads=args.threads,
        worker_class="gthread",
        keep_alive_s=5,
        ready_within_s=90,
    )


def join_all(port: int, host: str, event_id: int, visitors: list[Visitor], clients: int) -> float:
    """Every visitor takes a place; returns the seconds it took."""
    local = threading.local()
    cookie_name = ticket_cookie_name(event_id)

    def join(visitor: Visitor) -> None:
        if not hasattr(local, "conn"):
            local.conn = Connection(port, host)
        status, data, response = local.conn.request("POST", f"/queue/{event_id}/join/")
        if status != 200 or response is None:
            visitor.outcome = f"join {status}"
            return
        cookies = SimpleCookie(response.getheader("Set-Cookie", ""))
        visitor.ticket = cookies[cookie_name].value if cookie_name in cookies else ""
        visitor.position = int(data.get("position", 0))

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=clients) as pool:
        list(pool.map(join, visitors))
    return time.perf_counter() - started


def rush(
    port: int,
    host: str,
    event_id: int,
    product_id: int,
    visitors: list[Visitor],
    clients: int,
    tally: Tally,
    timeout_s: float,
) -> float:
    """Visitors poll as told and check out once admitted; returns the seconds
    from the opening until every visitor is done (or the timeout)."""
    cookie_name = ticket_cookie_name(event_id)
    due: list[tuple[float, int]] = []
    started = time.monotonic()
    for visitor in visitors:
        if visitor.ticket:
            # The first poll of each visitor spread over two seconds, as browsers would.
            heapq.heappush(due, (started + (visitor.index % 2000) / 1000, visitor.index))
    work: queue.Queue[int | None] = queue.Queue()
    pending = len(due)
    done = threading.Event()
    schedule_lock = threading.Lock()
    local = threading.local()

    def finish() -> None:
        nonlocal pending
        with schedule_lock:
            pending -= 1
            if pending == 0:
                done.set()

    def later(visitor: Visitor, seconds: float) -> None:
        with schedule_lock:
            heapq.heappush(due, (time.monotonic() + seconds, visitor.index))

    def step(visitor: Visitor) -> None:
        conn = local.conn
        t0 = time.perf_counter()
        status, data, _ = conn.request(
            "GET",
            f"/queue/{event_id}/status/",
            headers={"Cookie": f"{cookie_name}={visitor.ticket}"},
        )
        with tally.lock:
            tally.polls += 1
            tally.status_ms.append((time.perf_counter() - t0) * 1000)
        visitor.polls += 1
        state = data.get("state")
        if status == 503 or status == 0:
            if status == 0:
                with tally.lock:
                    tally.errors.append("status: connection")
            later(visitor, 2)
            return
        if state == "waiting":
            later(visitor, float(data.get("poll_s", 2)) * (0.8 + (visitor.index % 40) / 100))
            return
        if state != "admitted":
            visitor.outcome = f"status {status} {state}"
            finish()
            return
        visitor.admitted_at = time.monotonic()
        visitor.expires_in_s = float(data["expires_in_s"])
        visitor.pass_token = data["pass"]
        body = json.dumps(
            {
                "email": f"visitor{visitor.index}@example.org",
                "name": f"Visitor {visitor.index}",
                "provider": "manual",
                "currency": "EUR",
                "lines": [{"product": product_id, "quantity": 1}],
            }
        )
        t0 = time.perf_counter()
        status, data, _ = conn.request(
            "POST",
            "/api/v1/checkout/",
            body=body,
            headers={"Content-Type": "application/json", "X-Pista-Queue-Pass": visitor.pass_token},
        )
        visitor.checkout_ms = (time.perf_counter() - t0) * 1000
        visitor.checked_out_at = time.monotonic()
        if status == 201:
            visitor.outcome = "sold"
        elif status == 409 and data.get("code") == "sold_out":
            visitor.outcome = "sold_out"
        else:
            visitor.outcome = f"checkout {status} {data.get('code', '')}".strip()
        finish()

    def worker() -> None:
        local.conn = Connection(port, host)
        while True:
            index = work.get()
            if index is None:
                return
            try:
                step(visitors[index])
            except Exception as exc:
                with tally.lock:
                    tally.errors.append(f"{type(exc).__name__}: {exc}")
                finish()

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(clients)]
    for thread in threads:
        thread.start()
    deadline = started + timeout_s
    while not done.is_set() and time.monotonic() < deadline:
        now = time.monotonic()
        with schedule_lock:
            ready = []
            while due and due[0][0] <= now:
                ready.append(heapq.heappop(due)[1])
        for index in ready:
            work.put(index)
        done.wait(0.01)
    for _ in threads:
        work.put(None)
    return time.monotonic() - started


def _hammer(args: tuple[int, str, str, dict, float, int]) -> tuple[int, int, int, list[float]]:
    """One client process: ``threads`` keep-alive connections asking ``path``
    for ``seconds``; returns (answers, errors, SQL statements the answers
    ran, a sample of latencies in ms)."""
    port, host, path, headers, seconds, threads = args
    counts = [0, 0, 0]
    sample: list[float] = []
    lock = threading.Lock()
    stop = time.perf_counter() + seconds

    def loop() -> None:
        conn = Connection(port, host)
        ok = bad = queries = 0
        mine: list[float] = []
        while time.perf_counter() < stop:
            t0 = time.perf_counter()
            status, _, response = conn.request("GET", path, headers=headers)
            if status == 200:
                ok += 1
                if ok % 10 == 1:
                    mine.append((time.perf_counter() - t0) * 1000)
            else:
                bad += 1
            if response is not None:
                queries += int(response.getheader("X-Bench-Queries", "0"))
        with lock:
            counts[0] += ok
            counts[1] += bad
            counts[2] += queries
            sample.extend(mine)

    pool = [threading.Thread(target=loop) for _ in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    return counts[0], counts[1], counts[2], sample


def load(
    port: int, host: str, path: str, headers: dict, args: argparse.Namespace
) -> dict[str, float]:
    """``--poll-seconds`` of GET ``path`` from ``--poll-processes`` client processes."""
    jobs = [(port, host, path, headers, args.poll_seconds, args.poll_threads)] * args.poll_processes
    started = time.perf_counter()
    with multiprocessing.get_context("fork").Pool(args.poll_processes) as pool:
        results = pool.map(_hammer, jobs)
    elapsed = time.perf_counter() - started
    answers = sum(r[0] for r in results)
    latencies = [ms for r in results for ms in r[3]]
    return {
        "rps": answers / args.poll_seconds,
        "answers": answers,
        "errors": sum(r[1] for r in results),
        "queries": sum(r[2] for r in results),
        "p50_ms": base.percentile(latencies, 0.5) if latencies else 0.0,
        "p95_ms": base.percentile(latencies, 0.95) if latencies else 0.0,
        "elapsed_s": elapsed,
    }


def unreachable_database_url() -> str:
    """A database address nothing answers at, with the configured database's
    name (so the cache's key prefix, and the routes cached there, are the same)."""
    database = settings.DATABASES["default"]
    user = database.get("USER") or "postgres"
    return f"postgres://{user}@127.0.0.1:{base.free_port()}/{database['NAME']}"


def verify(schema: str, product_id: int, quota_id: int) -> dict[str, int]:
    with schema_context(schema):
        quota = Quota.objects.get(pk=quota_id)
        return {
            "quota_sold": quota.sold,
            "quota_size": quota.size,
            "positions": Position.objects.filter(product_id=product_id).count(),
            "orders": Order.objects.filter(positions__product_id=product_id).distinct().count(),
        }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--visitors", type=int, default=10_000)
    parser.add_argument("--places", type=int, default=500)
    parser.add_argument("--rate", type=int, default=6000, help="admissions per minute")
    parser.add_argument("--window", type=int, default=10, help="minutes to check out")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--clients", type=int, default=32, help="client threads of the rush")
    parser.add_argument("--poll-seconds", type=float, default=10.0)
    parser.add_argument("--poll-processes", type=int, default=2)
    parser.add_argument("--poll-threads", type=int, default=16)
    parser.add_argument("--timeout", type=float, default=1800.0, help="seconds for the rush")
    args = parser.parse_args()
    if not settings.REDIS_URL:
        # The queue lives in Redis: without it (the embedded default) there is none.
        print("skipped: the on-sale queue needs Redis (set REDIS_URL)")
        print(json.dumps({"skipped": "needs REDIS_URL", "checks_ok": None}))
        return

    slug = f"bench-queue-{uuid.uuid4().hex[:8]}"
    community = community_create(
        slug=slug, name="Bench queue", owner_email=f"o@{slug}.example"
    ).community
    schema = community.schema_name
    host = community.domains.get(is_primary=True).domain
    connection.set_schema_to_public()
    event_id, product_id, quota_id, event_slug = event_create(schema, args.places, "rush")
    # A second queued event whose line never opens: a place there waits for good.
    idle_event_id, _, _, _ = event_create(schema, 1, "idle")
    queue_set(schema, event_id, rate=args.rate, window=args.window, opens_in_s=86400)
    queue_set(schema, idle_event_id, rate=1, window=1, opens_in_s=86400)
    print(
        f"community {slug} on {host}: {args.visitors} visitors, {args.places} places, "
        f"{args.rate} admitted/min, {args.window} min to check out; gunicorn "
        f"{args.workers}x{args.threads} gthread, {args.clients} client threads"
    )
    # Pages are served with DEBUG off: their static files need collectstatic's manifest.
    subprocess.run(  # noqa: S603 - our own manage.py
        [sys.executable, str(ROOT / "manage.py"), "collectstatic", "--noinput", "-v0"],
        env={**os.environ, "DJANGO_DEBUG": "0"},
        check=True,
    )
    log = Path(base.tempfile.gettempdir()) / f"{slug}-gunicorn.log"
    port = base.free_port()
    process = queue_server_start(port, args, log)
    visitors = [Visitor(index=i) for i in range(args.visitors)]
    tally = Tally()
    try:
        join_s = join_all(port, host, event_id, visitors, args.clients)
        joined = [v for v in visitors if v.ticket]
        print(f"join: {len(joined)} places in {join_s:.1f} s ({len(joined) / join_s:.0f}/s)")
        queue_set(schema, event_id, rate=args.rate, window=args.window, opens_in_s=0)
        rush_s = rush(port, host, event_id, product_id, visitors, args.clients, tally, args.timeout)
        print(f"rush: done in {rush_s:.1f} s, {tally.polls} status polls")

        # Status polls/s for a place that waits for good, against a page and /healthz.
        conn = Connection(port, host)
        _, _, response = conn.request("POST", f"/queue/{idle_event_id}/join/")
        cookie = SimpleCookie(response.getheader("Set-Cookie", "") if response else "")
        name = ticket_cookie_name(idle_event_id)
        headers = {"Cookie": f"{name}={cookie[name].value}"} if name in cookie else {}
        status_path = f"/queue/{idle_event_id}/status/"
        for _ in range(20):  # every worker's connections warm
            conn.request("GET", status_path, headers=headers)
            conn.request("GET", f"/events/{event_slug}/")
        polls = load(port, host, status_path, headers, args)
        status_db_queries = int(polls["queries"])
        print(
            f"status: {polls['rps']:.0f} polls/s (p50 {polls['p50_ms']:.1f} ms, p95 "
            f"{polls['p95_ms']:.1f} ms, {polls['errors']} errors), {status_db_queries} SQL "
            f"statements in all"
        )
        page = load(port, host, f"/events/{event_slug}/", {}, args)
        print(
            f"event page: {page['rps']:.0f} requests/s (p95 {page['p95_ms']:.1f} ms, "
            f"{page['queries'] / max(1, page['answers']):.1f} SQL statements each)"
        )
        healthz = load(port, host, "/healthz", {}, args)
        print(f"/healthz: {healthz['rps']:.0f} requests/s")
    finally:
        server.gunicorn_stop(process)

    # The same polls against a server whose database address leads nowhere.
    port = base.free_port()
    offline = queue_server_start(port, args, log, database_url=unreachable_database_url())
    try:
        quick = argparse.Namespace(**{**vars(args), "poll_seconds": 2.0})
        without_db = load(port, host, status_path, headers, quick)
    finally:
        server.gunicorn_stop(offline)
    print(
        f"status with the database unreachable: {without_db['answers']} answered, "
        f"{without_db['errors']} failed"
    )

    figures = verify(schema, product_id, quota_id)
    connection.set_schema_to_public()
    Community.objects.get(pk=community.pk).delete(force_drop=True)
    print(f"dropped {slug}")

    outcomes: dict[str, int] = {}
    for visitor in visitors:
        outcomes[visitor.outcome or "unfinished"] = (
            outcomes.get(visitor.outcome or "unfinished", 0) + 1
        )
    admitted = [v for v in visitors if v.admitted_at]
    sold = [v for v in visitors if v.outcome == "sold"]
    in_window = all(
        v.outcome in {"sold", "sold_out"} and v.checked_out_at - v.admitted_at <= v.expires_in_s
        for v in admitted
    )
    checkout_ms = [v.checkout_ms for v in admitted]
    errors_5xx = sum(n for key, n in outcomes.items() if " 5" in key or key.endswith(" 0"))
    checks = {
        "all_joined": len(joined) == args.visitors,
        "no_oversell": figures["quota_sold"] <= figures["quota_size"],
        "sales_match_database": len(sold)
        == figures["positions"]
        == figures["orders"]
        == figures["quota_sold"],
        "admitted_checked_out_in_window": in_window,
        "sold_out_only_when_all_sold": outcomes.get("sold_out", 0) == 0
        or figures["quota_sold"] == figures["quota_size"],
        "everyone_done": outcomes.get("unfinished", 0) == 0,
        "no_5xx": errors_5xx == 0 and not tally.errors,
        "status_without_database": without_db["answers"] > 0 and without_db["errors"] == 0,
        "status_db_queries_zero": status_db_queries == 0,
    }
    print(f"outcomes: {outcomes}; errors: {tally.errors[:5]}")
    print("checks: " + ", ".join(f"{k}={'ok' if v else 'FAILED'}" for k, v in checks.items()))
    result = {
        "visitors": args.visitors,
        "places": args.places,
        "rate_per_min": args.rate,
        "window_min": args.window,
        "joined": len(joined),
        "joins_per_s": round(len(joined) / join_s, 1),
        "admitted": len(admitted),
        "sold": figures["quota_sold"],
        "sold_out_answers": outcomes.get("sold_out", 0),
        "oversold": max(0, figures["quota_sold"] - figures["quota_size"]),
        "admitted_checked_out_in_window": in_window,
        "last_sold_position": max((v.position for v in sold), default=0),
        "rush_s": round(rush_s, 1),
        "rush_status_polls": tally.polls,
        "polls_per_visitor": round(tally.polls / max(1, len(joined)), 2),
        "checkout_p50_ms": round(base.percentile(checkout_ms, 0.5), 1) if checkout_ms else None,
        "checkout_p95_ms": round(base.percentile(checkout_ms, 0.95), 1) if checkout_ms else None,
        "status_polls_per_s": round(polls["rps"], 1),
        "status_p50_ms": round(polls["p50_ms"], 2),
        "status_p95_ms": round(polls["p95_ms"], 2),
        "status_db_queries": status_db_queries,
        "status_without_database": checks["status_without_database"],
        "page_rps": round(page["rps"], 1),
        "healthz_rps": round(healthz["rps"], 1),
        "ratio": round(polls["rps"] / page["rps"], 1) if page["rps"] else None,
        "workers": args.workers,
        "threads": args.threads,
        "checks_ok": all(checks.values()),
    }
    print(json.dumps(result))
    sys.exit(0 if all(checks.values()) else 1)


if __name__ == "__main__":
    main()
