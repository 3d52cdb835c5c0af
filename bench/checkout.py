"""Checkout benchmark: concurrent buyers on one event, through gunicorn.

Run from the repository root: ``.venv/bin/python bench/checkout.py [--buyers 1000]
[--places 200] [--workers 3] [--clients 48]``. It provisions a temporary
community with one event and a role-balanced festival pass (``--places``,
leaders and followers at most 2 apart), starts gunicorn (``--workers`` sync
workers, persistent database connections, DEBUG off) against the configured
database, and fires ``--buyers`` buyers at ``POST /api/v1/checkout/`` from
``--clients`` client threads at once (each buyer one pass, 55 % leaders).

It then checks the database: places taken == capacity exactly, one position per
sale, leaders/followers within the policy. The same load is then fired at a
second event served by ``bench/checkout_baseline_wsgi.py`` (the whole event
locked for the entire order transaction, the way a per-event serialising shop
works; a bench-only wrapper, nothing in Pista's own code) for the ``ratio``.
The community is dropped at the end. Last line: one JSON object.

``tickets_per_min`` is the places sold divided by the time from the first
request to the last successful sale (the on-sale window), per minute.
"""

from __future__ import annotations

import argparse
import email
import email.utils
import http.client
import json
import os
import random
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pista.settings")
# DEBUG is off here, so settings need a private key: a throwaway one per run.
os.environ.setdefault("DJANGO_SECRET_KEY", secrets.token_urlsafe(50))

import django  # noqa: E402
import server  # noqa: E402 - bench/server.py

django.setup()

from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402
from django_tenants.utils import schema_context  # noqa: E402

from core_apps.events.models import Event  # noqa: E402
from core_apps.orders.models import Invoice, Order, Position  # noqa: E402
from core_apps.ticketing.balance import BalanceRules, Mode, within_policy  # noqa: E402
from core_apps.ticketing.models import Product, Quota, RoleMode  # noqa: E402
from pista.outbox.models import OutboxMessage  # noqa: E402
from tenants.models import Community  # noqa: E402
from tenants.provisioning.services import community_create  # noqa: E402

MAX_DIFFERENCE = 2


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def festival_create(schema: str, places: int, label: str) -> tuple[int, int]:
    with schema_context(schema):
        starts = timezone.now() + timedelta(days=30)
        event = Event.objects.create(
            title=f"Bench festival {label}",
            slug=f"bench-festival-{label}",
            time_zone="Europe/Berlin",
            kind=Event.Kind.FESTIVAL if hasattr(Event.Kind, "FESTIVAL") else Event.Kind.SOCIAL,
            status=Event.Status.PUBLISHED,
            starts_at=starts,
            ends_at=starts + timedelta(days=2),
        )
        quota = Quota.objects.create(
            name="Festival",
            size=places,
            event=event,
            role_mode=RoleMode.LEAD_FOLLOW,
            max_difference=MAX_DIFFERENCE,
        )
        product = Product.objects.create(
            name="Full pass",
            event=event,
            price_minor=12000,
            currency="EUR",
            status=Product.Status.PUBLISHED,
            tax_rate=7,
        )
        product.quotas.set([quota])
        return product.pk, quota.pk


def checkout_env(mail_dir: Path) -> dict[str, str]:
    """The environment of gunicorn and the Celery worker: production-like
    (Redis when configured: the cache, the rate limits and the broker), the
    simulated card on, emails to files."""
    return server.server_env(
        **server.ONE_ADDRESS_LIMITS_LIFTED,
        PISTA_SIMULATED_PAYMENTS="1",
        EMAIL_BACKEND="django.core.mail.backends.filebased.EmailBackend",
        EMAIL_FILE_PATH=str(mail_dir),
    )


def worker_start(env: dict[str, str], concurrency: int, log: Path) -> subprocess.Popen:
    """A real Celery worker on every queue (the outbox's deliveries), at a lower
    CPU priority than the web workers: on one host the buyers' requests come
    first and the deferred effects take the cores they leave (docs/operations/deploy.md)."""
    return subprocess.Popen(  # noqa: S603 - our own venv's celery
        [
            *(str(shutil.which("nice") or "nice"), "-n", "10"),
            str(Path(sys.executable).with_name("celery")),
            *("-A", "pista", "worker", "--pool=prefork", f"--concurrency={concurrency}"),
            *("-Q", "default,mail,webhooks,payments", "--without-gossip", "--without-mingle"),
            "--loglevel=WARNING",
        ],
        cwd=ROOT,
        env=env,
        stdout=log.open("ab"),
        stderr=subprocess.STDOUT,
    )


def checkout_server_start(
    port: int, workers: int, *, serialise: bool, env: dict[str, str], log: Path
) -> subprocess.Popen:
    """gunicorn's sync workers serving Pista, or for the baseline Pista wrapped
    so that each order transaction also locks its event row (see that module)."""
    server.static_collect(env)
    app = "checkout_baseline_wsgi:application" if serialise else "pista.wsgi:application"
    return server.gunicorn_start(app, port=port, env=env, log=log, workers=workers)


def warm_up(port: int, host: str, workers: int) -> None:
    """Touch every worker once (imports, first connection) before timing."""
    for _ in range(workers * 3):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        conn.request("GET", "/api/v1/community/", headers={"Host": host})
        conn.getresponse().read()
        conn.close()


def fire(port: int, host: str, product_id: int, buyers: int, clients: int, *, paid: bool) -> dict:
    rng = random.Random(42)
    roles = ["lead" if rng.random() < 0.55 else "follow" for _ in range(buyers)]
    local = threading.local()
    start_gate = threading.Event()

    def buy(index: int) -> tuple[int, str, float, float]:
        start_gate.wait()
        conn = getattr(local, "conn", None)
        if conn is None:
            conn = local.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        headers = {"Host": host, "Content-Type": "application/json"}
        body = {
            "email": f"buyer{index}@example.org",
            "name": f"Buyer {index}",
            "provider": "simulated" if paid else "manual",
            "currency": "EUR",
            "lines": [{"product": product_id, "quantity": 1, "role": roles[index]}],
        }
        began = time.perf_counter()
        try:
            status, payload = post(conn, "/api/v1/checkout/", body, headers)
            if paid and status == 201:
                order, secret = payload["order"]["code"], payload["secret"]
                card = {"secret": secret, "card_number": "4242 4242 4242 4242"}
                status, payload = post(conn, f"/api/v1/orders/{order}/pay/", card, headers)
                status = 201 if status == 200 and payload.get("status") == "paid" else status
        except (OSError, http.client.HTTPException):
            local.conn = None
            return 0, "connection", began, time.perf_counter()
        ended = time.perf_counter()
        code = "" if status == 201 else str(payload.get("code", ""))
        return status, code, began, ended

    with ThreadPoolExecutor(max_workers=clients) as pool:
        futures = [pool.submit(buy, i) for i in range(buyers)]
        t0 = time.perf_counter()
        start_gate.set()
        results = [f.result() for f in futures]
    total = time.perf_counter() - t0
    sold = [r for r in results if r[0] == 201]
    last_sale = max((r[3] for r in sold), default=t0)
    window = max(last_sale - t0, 1e-9)
    latencies = [(r[3] - r[2]) * 1000 for r in results if r[0]]
    outcomes: dict[str, int] = {}
    for status, code, *_ in results:
        key = "sold" if status == 201 else f"{status} {code}".strip()
        outcomes[key] = outcomes.get(key, 0) + 1
    return {
        "sold_responses": len(sold),
        "window_s": window,
        "total_s": total,
        "tickets_per_min": len(sold) / window * 60,
        "p50_ms": statistics.median(latencies) if latencies else 0.0,
        "p95_ms": percentile(latencies, 0.95) if latencies else 0.0,
        "outcomes": outcomes,
        "errors_5xx": sum(1 for r in results if r[0] >= 500 or r[0] == 0),
    }


def post(
    conn: http.client.HTTPConnection, path: str, body: dict, headers: dict[str, str]
) -> tuple[int, dict]:
    """POST JSON; the status and the decoded answer ({} when not JSON)."""
    conn.request("POST", path, body=json.dumps(body), headers=headers)
    response = conn.getresponse()
    raw = response.read()
    try:
        payload = json.loads(raw)
    except ValueError:
        payload = {}
    return response.status, payload if isinstance(payload, dict) else {}


def effects_wait(schema: str, timeout_s: float) -> float:
    """Wait until the outbox has delivered every effect recorded in ``schema``;
    the seconds it took (raises SystemExit past ``timeout_s``)."""
    started = time.perf_counter()
    while True:
        with schema_context(schema):
            pending = OutboxMessage.objects.exclude(status=OutboxMessage.Status.DONE).count()
        if not pending:
            return time.perf_counter() - started
        if time.perf_counter() - started > timeout_s:
            raise SystemExit(f"{pending} outbox effects still undelivered after {timeout_s:.0f} s")
        time.sleep(0.5)


def mails_by_recipient(mail_dir: Path) -> dict[str, list[str]]:
    """The subjects of the emails written by the file backend, per recipient."""
    found: dict[str, list[str]] = {}
    for path in mail_dir.glob("*.log"):
        for message in path.read_text(errors="replace").split("-" * 79):
            parsed = email.message_from_string(message.strip())
            for _name, address in email.utils.getaddresses(parsed.get_all("To", [])):
                found.setdefault(address, []).append(str(parsed["Subject"]))
    return found


def profiler_start(pid: int, output: Path) -> subprocess.Popen:
    """Sample gunicorn's workers with py-spy (on PATH) into collapsed stacks."""
    executable = shutil.which("py-spy")
    if executable is None:
        raise SystemExit("--profile needs py-spy on PATH (pip install py-spy)")
    process = subprocess.Popen(  # noqa: S603 - py-spy on our own workers
        [
            executable,
            "record",
            "--pid",
            str(pid),
            "--subprocesses",
            "--rate",
            "250",
            "--format",
            "raw",
            "--output",
            str(output),
            "--nonblocking",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    time.sleep(1.0)  # py-spy attaches before the load starts
    return process


def profiler_stop(process: subprocess.Popen) -> None:
    process.send_signal(signal.SIGINT)  # py-spy writes its file on SIGINT
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()


def verify(schema: str, product_id: int, quota_id: int) -> dict:
    with schema_context(schema):
        quota = Quota.objects.get(pk=quota_id)
        positions = Position.objects.filter(product_id=product_id, status="valid").count()
        orders = Order.objects.filter(positions__product_id=product_id).distinct().count()
        leads = Position.objects.filter(product_id=product_id, role_admitted="lead").count()
        follows = Position.objects.filter(product_id=product_id, role_admitted="follow").count()
        return {
            "quota_sold": quota.sold,
            "quota_size": quota.size,
            "positions": positions,
            "orders": orders,
            "lead": quota.sold_lead,
            "follow": quota.sold_follow,
            "positions_lead": leads,
            "positions_follow": follows,
            "product_sold_count": Product.objects.get(pk=product_id).sold_count,
        }


def run(schema: str, host: str, args: argparse.Namespace, *, serialise: bool, label: str) -> dict:
    product_id, quota_id = festival_create(schema, args.places, label)
    port = free_port()
    log = Path(tempfile.gettempdir()) / f"pista-bench-checkout-{label}.log"
    mail_dir = Path(tempfile.mkdtemp(prefix=f"pista-bench-mail-{label}-"))
    env = checkout_env(mail_dir)
    process = checkout_server_start(port, args.workers, serialise=serialise, env=env, log=log)
    worker = (
        worker_start(env, args.worker_concurrency, log) if os.environ.get("REDIS_URL") else None
    )
    profiler = None
    try:
        warm_up(port, host, args.workers)
        if args.profile and not serialise:
            profiler = profiler_start(process.pid, Path(args.profile))
        figures = fire(port, host, product_id, args.buyers, args.clients, paid=args.paid)
        if profiler is not None:
            profiler_stop(profiler)
            profiler = None
        figures["effects_drain_s"] = effects_wait(schema, timeout_s=600)
    finally:
        if profiler is not None:
            profiler_stop(profiler)
        server.gunicorn_stop(process)
        if worker is not None:
            server.gunicorn_stop(worker)
    figures.update(verify(schema, product_id, quota_id))
    figures.update(deliveries_verify(schema, product_id, mail_dir, paid=args.paid))
    shutil.rmtree(mail_dir, ignore_errors=True)
    return figures


def deliveries_verify(schema: str, product_id: int, mail_dir: Path, *, paid: bool) -> dict:
    """What the buyers received: for paid orders an invoice and the tickets
    email each, for bank-transfer orders the payment instructions."""
    mails = mails_by_recipient(mail_dir)
    with schema_context(schema):
        orders = list(
            Order.objects.filter(positions__product_id=product_id)
            .distinct()
            .values("pk", "email", "status")
        )
        invoiced = set(
            Invoice.objects.filter(
                order__in=[o["pk"] for o in orders], kind=Invoice.Kind.INVOICE
            ).values_list("order_id", flat=True)
        )
    expected = "paid" if paid else "pending"
    return {
        "orders_in_state": sum(1 for o in orders if o["status"] == expected),
        "orders_invoiced": sum(1 for o in orders if o["pk"] in invoiced),
        "orders_emailed": sum(1 for o in orders if mails.get(o["email"])),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--buyers", type=int, default=1000)
    parser.add_argument("--places", type=int, default=200)
    # Three sync workers on the 2-core machine: measured against 2, 4 and 6
    # (docs/performance.md); more only queue on the quota row's lock and the cores.
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--clients", type=int, default=48)
    parser.add_argument("--no-baseline", action="store_true")
    parser.add_argument(
        "--paid",
        action="store_true",
        help="pay each order with the simulated card; a worker delivers tickets and invoices",
    )
    parser.add_argument("--worker-concurrency", type=int, default=1)
    parser.add_argument(
        "--profile", metavar="FILE", help="py-spy's collapsed stacks of the workers to FILE"
    )
    args = parser.parse_args()

    slug = f"bench-checkout-{uuid.uuid4().hex[:8]}"
    provisioned = community_create(
        slug=slug, name="Bench checkout", owner_email=f"o@{slug}.example"
    )
    community = provisioned.community
    host = provisioned.domains[0]
    connection.set_schema_to_public()
    print(
        f"community {slug} on {host}; {args.buyers} buyers for {args.places} places, "
        f"gunicorn {args.workers} workers, {args.clients} client threads"
    )
    try:
        pista = run(community.schema_name, host, args, serialise=False, label="pista")
        print(
            f"pista: sold {pista['quota_sold']}/{pista['quota_size']} in {pista['window_s']:.2f} s "
            f"({pista['tickets_per_min']:.0f} tickets/min), all {args.buyers} answered in "
            f"{pista['total_s']:.2f} s; p50 {pista['p50_ms']:.1f} ms, "
            f"p95 {pista['p95_ms']:.1f} ms; "
            f"lead {pista['lead']} / follow {pista['follow']}; outcomes {pista['outcomes']}"
        )
        baseline = None
        if not args.no_baseline:
            baseline = run(community.schema_name, host, args, serialise=True, label="baseline")
            print(
                f"baseline (whole event locked per order): sold {baseline['quota_sold']} in "
                f"{baseline['window_s']:.2f} s ({baseline['tickets_per_min']:.0f} tickets/min); "
                f"p50 {baseline['p50_ms']:.1f} ms, p95 {baseline['p95_ms']:.1f} ms"
            )
    finally:
        connection.set_schema_to_public()
        Community.objects.get(pk=community.pk).delete(force_drop=True)
        print(f"dropped {slug}")

    rules = BalanceRules(mode=Mode.LEAD_FOLLOW, max_difference=MAX_DIFFERENCE)
    checks = {
        "sold_equals_capacity": pista["quota_sold"] == args.places,
        "no_oversell": pista["quota_sold"] <= pista["quota_size"],
        "responses_match_database": pista["sold_responses"]
        == pista["positions"]
        == pista["quota_sold"]
        == pista["orders"],
        "roles_match_positions": (pista["lead"], pista["follow"])
        == (pista["positions_lead"], pista["positions_follow"]),
        "policy_holds": within_policy(rules=rules, leads=pista["lead"], follows=pista["follow"]),
        "no_5xx": pista["errors_5xx"] == 0,
        # Every sale's effects delivered, once the outbox drained: the tickets
        # email and the invoice of a paid order, the bank details of a transfer.
        "every_order_in_its_state": pista["orders_in_state"] == pista["orders"],
        "every_buyer_emailed": pista["orders_emailed"] == pista["orders"],
        "every_paid_order_invoiced": not args.paid or pista["orders_invoiced"] == pista["orders"],
    }
    print("checks: " + ", ".join(f"{k}={'ok' if v else 'FAILED'}" for k, v in checks.items()))
    result = {
        "capacity": args.places,
        "buyers": args.buyers,
        "sold": pista["quota_sold"],
        "tickets_per_min": round(pista["tickets_per_min"], 1),
        "p50_ms": round(pista["p50_ms"], 1),
        "p95_ms": round(pista["p95_ms"], 1),
        "lead": pista["lead"],
        "follow": pista["follow"],
        "window_s": round(pista["window_s"], 3),
        "all_answered_s": round(pista["total_s"], 3),
        "workers": args.workers,
        "paid": args.paid,
        "orders_emailed": pista["orders_emailed"],
        "orders_invoiced": pista["orders_invoiced"],
        "effects_drain_s": round(pista["effects_drain_s"], 1),
        "baseline_tickets_per_min": round(baseline["tickets_per_min"], 1) if baseline else None,
        "baseline_sold": baseline["quota_sold"] if baseline else None,
        "ratio": round(pista["tickets_per_min"] / baseline["tickets_per_min"], 2)
        if baseline and baseline["tickets_per_min"]
        else None,
        "checks_ok": all(checks.values()),
    }
    print(json.dumps(result))
    sys.exit(0 if all(checks.values()) else 1)


if __name__ == "__main__":
    main()
