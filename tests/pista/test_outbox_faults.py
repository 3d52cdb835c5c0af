"""Fault drills for paid orders (issue 12, acceptance 1 and 2), against real parts:
a private Redis that the test stops and starts, Pista under gunicorn, a real
Celery worker (prefork, so its pool process can be killed) and beat.

Everything the stack sees is committed in the test database and removed at the
end. Emails are written by the stack's file backend, one file per message, so
"tickets sent once" is counted, not assumed.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import requests
from django.db import connection
from django_tenants.utils import schema_context

from core_apps.orders.models import Invoice, Order, StripeEvent
from core_apps.orders.services import LineIn, order_checkout
from core_apps.ticketing.models import Product, Quota
from pista.outbox.models import OutboxMessage
from tenants.models import Community
from tests.conftest import service_unavailable
from tests.tenants.test_caddy_tls import free_port, stop, wait_for_health, wait_for_port

pytestmark = pytest.mark.worker

REPO = Path(__file__).resolve().parents[2]
WEBHOOK_SECRET = "whsec_fault_drills"
BIN = Path(sys.executable).parent


class PrivateRedis:
    """A redis-server of the test's own, on a free port, stopped and started at will."""

    def __init__(self, tmp: Path) -> None:
        self.port = free_port()
        self.tmp = tmp
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        binary = "/usr/bin/redis-server"
        if not Path(binary).exists():
            service_unavailable("redis-server is not installed")
        self.process = subprocess.Popen(
            [
                *(binary, "--port", str(self.port), "--bind", "127.0.0.1"),
                *("--save", "", "--appendonly", "no", "--dir", str(self.tmp)),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for_port(self.port, self.process, "redis-server")

    def stop(self) -> None:
        assert self.process is not None
        self.process.kill()
        self.process.wait(timeout=10)

    def url(self, db: int) -> str:
        return f"redis://127.0.0.1:{self.port}/{db}"


@dataclass
class Stack:
    redis: PrivateRedis
    web: str
    host: str
    mail_dir: Path
    worker: subprocess.Popen
    schema: str
    env: dict[str, str]

    def post(self, path: str, **kwargs: Any) -> requests.Response:
        headers = {"Host": self.host, **kwargs.pop("headers", {})}
        return requests.post(self.web + path, headers=headers, timeout=30, **kwargs)

    def get(self, path: str) -> requests.Response:
        return requests.get(self.web + path, headers={"Host": self.host}, timeout=30)

    def emails_about(self, code: str) -> list[str]:
        found = []
        for path in sorted(self.mail_dir.glob("*")):
            # The file backend appends each message to the file, with a rule between them.
            for message in path.read_text(errors="replace").split("-" * 79):
                if f"your tickets ({code})" in message:
                    found.append(message)
        return found


def _spawn(args: list[str], env: dict[str, str], log: Path) -> subprocess.Popen:
    return subprocess.Popen(
        args, cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=log.open("w")
    )


@pytest.fixture(autouse=True)
def _database_unblocked(django_db_blocker) -> Iterator[None]:
    """These tests commit (the stack's processes must see their rows), from
    threads too: the database is open to them, outside any test transaction."""
    with django_db_blocker.unblock():
        yield


@pytest.fixture(scope="module")
def stack(django_db_setup, django_db_blocker, tmp_path_factory) -> Iterator[Stack]:
    tmp = tmp_path_factory.mktemp("faults")
    redis = PrivateRedis(tmp)
    redis.start()
    mail_dir = tmp / "mail"
    mail_dir.mkdir()
    with django_db_blocker.unblock():
        database = connection.settings_dict["NAME"]
        community = Community.objects.get(slug="alpha")
        host = community.domains.get(is_primary=True).domain
    env = {
        **os.environ,
        "PISTA_DATABASE_NAME": database,
        "PISTA_TESTING": "1",
        "PISTA_CELERY_EAGER": "0",
        "REDIS_URL": redis.url(0),
        "CACHE_REDIS_URL": redis.url(1),
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(mail_dir),
        "STRIPE_WEBHOOK_SECRET": WEBHOOK_SECRET,
        "PISTA_OUTBOX_SWEEP_GRACE_S": "1",
        "PISTA_OUTBOX_SWEEP_INTERVAL_S": "2",
        "PISTA_OUTBOX_BACKOFF_S": "1",
        "PISTA_WORKER_HEARTBEAT_FILE": str(tmp / "worker-heartbeat"),
        "PISTA_WORKER_HEARTBEAT_S": "1",
        "HOME": str(tmp),
    }
    port = free_port()
    web = _spawn(
        [
            *(sys.executable, "-m", "gunicorn", "pista.wsgi:application"),
            *("--bind", f"127.0.0.1:{port}", "--workers", "1", "--threads", "4"),
        ],
        env,
        tmp / "web.log",
    )
    worker = _spawn(
        [
            *(str(BIN / "celery"), "-A", "pista", "worker", "--pool=prefork", "--concurrency=1"),
            *("-Q", "default,mail,webhooks,payments", "--without-gossip", "--without-mingle"),
            "--loglevel=INFO",
        ],
        env,
        tmp / "worker.log",
    )
    beat = _spawn(
        [
            *(str(BIN / "celery"), "-A", "pista", "beat", "--loglevel=INFO"),
            *("--schedule", str(tmp / "beat-schedule")),
        ],
        env,
        tmp / "beat.log",
    )
    try:
        wait_for_health(port, web)
        yield Stack(
            redis=redis,
            web=f"http://127.0.0.1:{port}",
            host=host,
            mail_dir=mail_dir,
            worker=worker,
            schema=community.schema_name,
            env=env,
        )
    finally:
        for process in (beat, worker, web):
            stop(process)
        if redis.process and redis.process.poll() is None:
            redis.stop()


@pytest.fixture
def committed(stack, django_db_blocker) -> Iterator[Callable[[], Order]]:
    """Card orders awaiting payment, committed (the stack's processes must see
    them), and removed afterwards with everything that followed them."""
    with django_db_blocker.unblock(), schema_context(stack.schema):
        quota = Quota.objects.create(name="Fault drill hall", size=50)
        product = Product.objects.create(
            name="Fault drill pass", price_minor=2500, currency="EUR", status="published"
        )
        product.quotas.set([quota])

    def make() -> Order:
        with django_db_blocker.unblock(), schema_context(stack.schema):
            result = order_checkout(
                email=f"buyer-{uuid.uuid4().hex[:8]}@example.org",
                name="Drill Buyer",
                provider="manual",
                lines=[LineIn(product_id=product.pk, quantity=1)],
            )
            order = result.order
            Order.objects.filter(pk=order.pk).update(
                provider=Order.Provider.STRIPE, payment_intent_id=f"pi_{order.code}"
            )
            order.refresh_from_db()
            return order

    yield make
    with django_db_blocker.unblock(), schema_context(stack.schema):
        orders = list(Order.objects.filter(positions__product=product).values_list("pk", flat=True))
        Invoice.objects.filter(order_id__in=orders).delete()
        Order.objects.filter(pk__in=orders).delete()
        product.delete()
        quota.delete()
        StripeEvent.objects.filter(event_id__startswith="evt_drill_").delete()


def _signed_event(order: Order, event_id: str) -> tuple[bytes, dict[str, str]]:
    payload = json.dumps(
        {
            "id": event_id,
            "object": "event",
            "type": "payment_intent.succeeded",
            "data": {
                "object": {
                    "id": order.payment_intent_id,
                    "object": "payment_intent",
                    "amount": order.total_minor,
                    "currency": order.currency.lower(),
                    "status": "succeeded",
                    "metadata": {"order": order.code},
                }
            },
        }
    ).encode()
    stamp = int(time.time())
    mac = hmac.new(WEBHOOK_SECRET.encode(), f"{stamp}.".encode() + payload, hashlib.sha256)
    return payload, {
        "Stripe-Signature": f"t={stamp},v1={mac.hexdigest()}",
        "Content-Type": "application/json",
    }


def _deliver_webhook(stack: Stack, order: Order, event_id: str) -> requests.Response:
    payload, headers = _signed_event(order, event_id)
    return stack.post("/api/v1/payments/stripe/webhook/", data=payload, headers=headers)


def _state(stack: Stack, django_db_blocker, order: Order) -> tuple[str, int]:
    with django_db_blocker.unblock(), schema_context(stack.schema):
        status = Order.objects.get(pk=order.pk).status
        invoices = Invoice.objects.filter(order_id=order.pk, kind=Invoice.Kind.INVOICE).count()
    connection.close()
    return status, invoices


def _wait_until_settled(stack: Stack, django_db_blocker, order: Order, timeout: float = 90):
    """Wait until the order is paid, invoiced and its tickets mailed; then a few
    seconds more, for a duplicate that would come late."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        status, invoices = _state(stack, django_db_blocker, order)
        if status == "paid" and invoices and stack.emails_about(order.code):
            time.sleep(5)
            return _state(stack, django_db_blocker, order), stack.emails_about(order.code)
        time.sleep(0.5)
    raise AssertionError(
        f"order {order.code} not settled: {_state(stack, django_db_blocker, order)}"
    )


class RowLock:
    """Hold ``SELECT … FOR UPDATE`` on rows from a connection of its own, so the
    stack's work blocks on them at a known point."""

    def __init__(self, schema: str, sql: str, params: list[Any]) -> None:
        self.schema, self.sql, self.params = schema, sql, params
        self.locked, self.release = threading.Event(), threading.Event()
        self.thread = threading.Thread(target=self._hold)

    def _hold(self) -> None:
        from django.db import transaction

        try:
            with schema_context(self.schema), transaction.atomic():
                with connection.cursor() as cursor:
                    cursor.execute(self.sql, self.params)
                self.locked.set()
                self.release.wait(120)
        finally:
            connection.close()

    def __enter__(self) -> RowLock:
        self.thread.start()
        assert self.locked.wait(30)
        return self

    def __exit__(self, *exc: object) -> None:
        self.release.set()
        self.thread.join(30)


def _wait_for_blocked_backend(django_db_blocker, timeout: float = 60) -> None:
    """Until some session of the test database waits on a row lock."""
    deadline = time.monotonic() + timeout
    with django_db_blocker.unblock():
        while time.monotonic() < deadline:
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT count(*) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND wait_event_type = 'Lock'"
                )
                if cursor.fetchone()[0]:
                    return
            time.sleep(0.2)
    raise AssertionError("the stack never blocked on the held lock")


def _kill_pool_process(worker: subprocess.Popen) -> int:
    """SIGKILL the worker's pool process (its only child); returns its pid."""
    children = [
        int(p.name)
        for p in Path("/proc").iterdir()
        if p.name.isdigit()
        and (p / "stat").exists()
        and int((p / "stat").read_text().rsplit(")", 1)[1].split()[1]) == worker.pid
    ]
    assert len(children) == 1, children
    os.kill(children[0], signal.SIGKILL)
    return children[0]


def test_broker_down_while_stripe_pays_then_back_settles_the_order_once(
    stack, committed, django_db_blocker
):
    """(a) and acceptance 2: Redis is stopped for 30 s while Stripe's event
    arrives and people browse and check out: no 500 anywhere; once Redis is back
    the order is paid once, with one invoice and one tickets email, and the
    checkouts made meanwhile are there."""
    order = committed()
    stack.redis.stop()
    outage_ends = time.monotonic() + 30
    webhook = _deliver_webhook(stack, order, f"evt_drill_{order.code}")
    assert webhook.status_code == 200, webhook.text
    statuses: list[int] = []
    checkouts: list[str] = []
    with django_db_blocker.unblock(), schema_context(stack.schema):
        product_id = order.positions.get().product_id
    connection.close()
    while time.monotonic() < outage_ends:
        for path in ("/", "/events/", "/api/v1/events/"):
            statuses.append(stack.get(path).status_code)
        response = stack.post(
            "/api/v1/checkout/",
            json={
                "email": f"outage-{len(checkouts)}@example.org",
                "name": "Outage Buyer",
                "provider": "manual",
                "lines": [{"product": product_id, "quantity": 1}],
            },
        )
        statuses.append(response.status_code)
        if response.status_code == 201:
            checkouts.append(response.json()["order"]["code"])
        time.sleep(1)
    assert 500 not in statuses and 503 not in statuses, sorted(set(statuses))
    assert checkouts, "no checkout went through while Redis was down"
    stack.redis.start()

    (status, invoices), emails = _wait_until_settled(stack, django_db_blocker, order)
    assert (status, invoices, len(emails)) == ("paid", 1, 1)
    with django_db_blocker.unblock(), schema_context(stack.schema):
        assert Order.objects.filter(code__in=checkouts).count() == len(checkouts)
        # What was queued meanwhile was delivered: nothing is left waiting.
        assert not OutboxMessage.objects.filter(status="pending", created__lt=time_ago(5))
    connection.close()


def time_ago(seconds: float) -> Any:
    from datetime import timedelta

    from django.utils import timezone

    return timezone.now() - timedelta(seconds=seconds)


def test_worker_killed_during_the_paid_order_task_delivers_tickets_and_invoice_once(
    stack, committed, django_db_blocker
):
    """(b): the pool process dies while building the invoice (blocked on the
    invoice number the test holds); the invoice and tickets still come, once."""
    order = committed()
    with schema_context(stack.schema), connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO orders_invoicesequence (id, last) VALUES (1, 0) "
            "ON CONFLICT (id) DO NOTHING"
        )
    connection.close()
    lock = RowLock(stack.schema, "SELECT * FROM orders_invoicesequence FOR UPDATE", [])
    with lock:
        assert _deliver_webhook(stack, order, f"evt_drill_{order.code}").status_code == 200
        _wait_for_blocked_backend(django_db_blocker)
        _kill_pool_process(stack.worker)
    (status, invoices), emails = _wait_until_settled(stack, django_db_blocker, order)
    assert (status, invoices, len(emails)) == ("paid", 1, 1)


def test_stripe_retry_of_an_event_whose_processing_died_processes_it_once(
    stack, committed, django_db_blocker
):
    """(c): the pool process dies while applying Stripe's event (blocked on the
    order row); Stripe retries the event; it is applied once."""
    order = committed()
    event_id = f"evt_drill_{order.code}"
    lock = RowLock(stack.schema, "SELECT * FROM orders_order WHERE id = %s FOR UPDATE", [order.pk])
    with lock:
        first = _deliver_webhook(stack, order, event_id)
        assert first.json()["code"] == "received"
        _wait_for_blocked_backend(django_db_blocker)
        _kill_pool_process(stack.worker)
    retry = _deliver_webhook(stack, order, event_id)
    assert retry.status_code == 200 and retry.json()["code"] == "duplicate"
    (status, invoices), emails = _wait_until_settled(stack, django_db_blocker, order)
    assert (status, invoices, len(emails)) == ("paid", 1, 1)
    with django_db_blocker.unblock(), schema_context(stack.schema):
        event = StripeEvent.objects.get(event_id=event_id)
        assert event.processed_at is not None and event.result == "settled"
        assert OutboxMessage.objects.get(dedupe_key=f"stripe-event:{event_id}").status == "done"
    connection.close()


def test_the_workers_liveness_probe_reads_its_heartbeat(stack):
    def probe(max_age: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "manage.py", "worker_alive", "--max-age", max_age],
            cwd=REPO,
            env=stack.env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )

    deadline = time.monotonic() + 60
    while not Path(stack.env["PISTA_WORKER_HEARTBEAT_FILE"]).exists():
        assert time.monotonic() < deadline, "the worker never wrote its heartbeat"
        time.sleep(0.5)
    alive = probe("10")
    assert alive.returncode == 0 and "alive" in alive.stdout, alive.stderr
    time.sleep(3)
    assert probe("10").returncode == 0  # still beating, seconds later
    stale = probe("0")
    assert stale.returncode == 1 and "heartbeat" in stale.stderr
