"""Festival on-sale load scenario: browse → hold → pay, through gunicorn.

Run from the repository root: ``.venv/bin/python bench/onsale.py [--buyers 300]
[--places 200] [--workers 4] [--clients 32]``. It provisions a temporary
community with one festival (a role-balanced pass of ``--places`` places),
starts gunicorn (``--workers`` sync workers, DEBUG off, simulated card payments
on, effects run in-process as without a broker) against the configured
database, and lets ``--buyers`` buyers from ``--clients`` threads each:

1. open the community's home page, 2. the events list, 3. the festival's page,
4. hold a pass (``POST /api/v1/checkout/``; a sold-out answer is expected once
   the places are gone), 5. pay it with the simulated card.

It prints p50/p95/p99 per step and per journey, the error rate (5xx answers
and failed connections over all requests; sold-out is not an error) and checks
in the database that no place was sold twice and every paid answer is a paid
order. The community is dropped at the end. Last line: one JSON object.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import sys
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ["PISTA_SIMULATED_PAYMENTS"] = "1"
os.environ.setdefault("EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend")

import checkout as base
import server
from django.db import connection
from django_tenants.utils import schema_context

from core_apps.orders.models import Order, Position
from core_apps.ticketing.models import Quota
from tenants.models import Community
from tenants.provisioning.services import community_create

STEPS = ["home", "events", "event", "hold", "pay"]


class Client:
    """One keep-alive connection per client thread."""

    def __init__(self, port: int, host: str) -> None:
        self.port, self.host = port, host
        self.conn: http.client.HTTPConnection | None = None

    def request(self, method: str, path: str, body: dict | None = None) -> tuple[int, dict | None]:
        headers = {"Host": self.host}
        data = None
        if body is not None:
            data = json.dumps(body)
            headers["Content-Type"] = "application/json"
        for attempt in range(2):
            if self.conn is None:
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
            try:
                self.conn.request(method, path, body=data, headers=headers)
                response = self.conn.getresponse()
                raw = response.read()
                if response.getheader("Connection", "").lower() == "close":
                    self.conn.close()
                    self.conn = None
                payload = None
                if response.getheader("Content-Type", "").startswith("application/json"):
                    payload = json.loads(raw or b"null")
                return response.status, payload
            except (OSError, http.client.HTTPException):
                self.conn.close()
                self.conn = None
                if attempt:
                    return 0, None
        return 0, None


def journey(client: Client, buyer: int, product_id: int, event_slug: str, stats: dict) -> None:
    lead = random.Random(buyer).random() < 0.55
    started = time.perf_counter()

    def step(name: str, method: str, path: str, body: dict | None = None):
        t0 = time.perf_counter()
        status, payload = client.request(method, path, body)
        with stats["lock"]:
            stats["latency"][name].append((time.perf_counter() - t0) * 1000)
            stats["requests"] += 1
            if status == 0 or status >= 500:
                stats["errors"] += 1
                stats["error_samples"].append(f"{name}:{status}")
        return status, payload

    step("home", "GET", "/")
    step("events", "GET", "/events/")
    step("event", "GET", f"/events/{event_slug}/")
    status, payload = step(
        "hold",
        "POST",
        "/api/v1/checkout/",
        {
            "email": f"buyer{buyer}@example.org",
            "name": f"Buyer {buyer}",
            "provider": "simulated",
            "lines": [{"product": product_id, "quantity": 1, "role": "lead" if lead else "follow"}],
        },
    )
    if status != 201 or not payload:
        with stats["lock"]:
            stats["not_held"] += 1
        return
    code, secret = payload["order"]["code"], payload["secret"]
    status, _ = step(
        "pay",
        "POST",
        f"/api/v1/orders/{code}/pay/",
        {"secret": secret, "card_number": "4242 4242 4242 4242"},
    )
    with stats["lock"]:
        if status == 200:
            stats["paid"].append(code)
            stats["latency"]["journey"].append((time.perf_counter() - started) * 1000)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--buyers", type=int, default=300)
    parser.add_argument("--places", type=int, default=200)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--clients", type=int, default=32)
    args = parser.parse_args()

    slug = f"bench-onsale-{uuid.uuid4().hex[:8]}"
    community = community_create(
        slug=slug, name="Bench on-sale", owner_email=f"o@{slug}.example"
    ).community
    host = community.domains.get(is_primary=True).domain
    connection.set_schema_to_public()
    product_id, quota_id = base.festival_create(community.schema_name, args.places, "onsale")
    event_slug = "bench-festival-onsale"  # festival_create's slug
    print(
        f"community {slug} on {host}: {args.buyers} buyers, {args.places} places, "
        f"gunicorn {args.workers} workers, {args.clients} client threads"
    )
    log = Path(base.tempfile.gettempdir()) / f"{slug}-gunicorn.log"
    port = base.free_port()
    mail_dir = Path(base.tempfile.mkdtemp(prefix=f"{slug}-mail-"))
    env = base.checkout_env(mail_dir)
    process = base.checkout_server_start(port, args.workers, serialise=False, env=env, log=log)
    # With a broker, a real worker delivers the paid orders' effects (as in production).
    worker = base.worker_start(env, 1, log) if base.os.environ.get("REDIS_URL") else None
    stats: dict = {
        "lock": threading.Lock(),
        "latency": {name: [] for name in [*STEPS, "journey"]},
        "requests": 0,
        "errors": 0,
        "error_samples": [],
        "not_held": 0,
        "paid": [],
    }
    try:
        base.warm_up(port, host, args.workers)
        local = threading.local()

        def run(buyer: int) -> None:
            if not hasattr(local, "client"):
                local.client = Client(port, host)
            journey(local.client, buyer, product_id, event_slug, stats)

        started = time.perf_counter()
        with ThreadPoolExecutor(max_workers=args.clients) as pool:
            list(pool.map(run, range(args.buyers)))
        elapsed = time.perf_counter() - started
    finally:
        server.gunicorn_stop(process)
        if worker is not None:
            server.gunicorn_stop(worker)
        base.shutil.rmtree(mail_dir, ignore_errors=True)

    with schema_context(community.schema_name):
        quota = Quota.objects.get(pk=quota_id)
        paid_orders = Order.objects.filter(status=Order.Status.PAID).count()
        positions = Position.objects.filter(order__status=Order.Status.PAID).count()
        paid_codes = set(
            Order.objects.filter(status=Order.Status.PAID).values_list("code", flat=True)
        )
    connection.set_schema_to_public()
    Community.objects.get(pk=community.pk).delete(force_drop=True)
    print(f"dropped {slug}")

    def pct(name: str, fraction: float) -> float | None:
        values = stats["latency"][name]
        return round(base.percentile(values, fraction), 1) if values else None

    for name in [*STEPS, "journey"]:
        print(
            f"{name:8s} n={len(stats['latency'][name]):4d}  p50 {pct(name, 0.5)} ms  "
            f"p95 {pct(name, 0.95)} ms  p99 {pct(name, 0.99)} ms"
        )
    error_rate = stats["errors"] / stats["requests"] if stats["requests"] else 1.0
    checks = {
        "no_oversell": quota.sold <= quota.size,
        "every_paid_answer_is_a_paid_order": set(stats["paid"]) <= paid_codes,
        "one_position_per_paid_order": positions == paid_orders,
        "no_5xx": stats["errors"] == 0,
    }
    print(
        f"{stats['requests']} requests in {elapsed:.1f} s ({stats['requests'] / elapsed:.0f} rps); "
        f"paid {len(stats['paid'])}, not held (sold out) {stats['not_held']}; "
        f"error rate {error_rate:.2%} {stats['error_samples'][:5]}"
    )
    print("checks: " + ", ".join(f"{k}={'ok' if v else 'FAILED'}" for k, v in checks.items()))
    result = {
        "buyers": args.buyers,
        "places": args.places,
        "workers": args.workers,
        "clients": args.clients,
        "requests": stats["requests"],
        "rps": round(stats["requests"] / elapsed, 1),
        "paid": len(stats["paid"]),
        "sold": quota.sold,
        "error_rate": round(error_rate, 4),
        "p50_ms": pct("journey", 0.5),
        "p95_ms": pct("journey", 0.95),
        "p99_ms": pct("journey", 0.99),
        "steps": {
            name: {"p50_ms": pct(name, 0.5), "p95_ms": pct(name, 0.95), "p99_ms": pct(name, 0.99)}
            for name in STEPS
        },
        "checks_ok": all(checks.values()),
    }
    print(json.dumps(result))
    sys.exit(0 if all(checks.values()) else 1)


if __name__ == "__main__":
    main()
