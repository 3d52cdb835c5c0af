"""Outbound webhooks against a real HTTP receiver on loopback: signed (checked
with the documented snippet), retried on the documented schedule (time
travel), SSRF targets refused at subscription and at delivery, per community."""

from __future__ import annotations

import json
import re
import threading
import uuid
from collections.abc import Iterator
from datetime import datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from django.core import mail
from django.test import override_settings
from django.utils import timezone
from django_tenants.utils import schema_context

from core_apps.events.models import Event
from core_apps.events.services import event_publish
from core_apps.integrations import webhooks
from core_apps.integrations.models import WebhookDelivery, WebhookSubscription
from pista.domain_events import domain_event_emit
from pista.outbox.models import OutboxMessage
from tests.conftest import login
from tests.core_apps.events.factories import EventFactory
from tests.core_apps.integrations.conftest import owner_of

DOC = Path(__file__).resolve().parents[3] / "docs" / "api" / "webhooks.md"


class Receiver:
    """An HTTP server on 127.0.0.1 recording what it receives."""

    def __init__(self) -> None:
        self.received: list[dict[str, Any]] = []
        self.status = 200
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.received.append(
                    {"path": self.path, "headers": dict(self.headers), "body": body}
                )
                self.send_response(receiver.status)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hook"


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    server = Receiver()
    server.thread.start()
    with override_settings(PISTA_WEBHOOK_ALLOWED_TARGETS=[f"127.0.0.1:{server.port}"]):
        yield server
    server.server.shutdown()
    server.server.server_close()


def _documented_verifier():
    text = DOC.read_text()
    code = re.search(r"```python\n(.*?def pista_signature_valid.*?)```", text, re.S).group(1)
    namespace: dict[str, Any] = {}
    exec(code, namespace)  # noqa: S102 - our own documentation's snippet
    return namespace["pista_signature_valid"]


def _subscribe(community, url: str, events: list[str] | None = None) -> WebhookSubscription:
    return webhooks.webhook_subscribe(
        actor=owner_of(community), url=url, event_types=events or ["order.paid"]
    )


def test_a_delivery_is_signed_and_verifies_with_the_documented_snippet(in_a, receiver):
    subscription = _subscribe(in_a, receiver.url)
    deliveries = webhooks.webhook_event_record(
        "order.paid", {"order": "ABC123", "total_minor": 2500}
    )
    assert len(deliveries) == 1
    # The first attempt is recorded in the outbox, in the same transaction.
    assert OutboxMessage.objects.filter(
        task="core_apps.integrations.tasks.webhook_deliver_task",
        kwargs={"delivery_id": deliveries[0].pk},
    ).exists()
    delivery = webhooks.webhook_delivery_attempt(delivery_id=deliveries[0].pk)
    assert delivery.status == WebhookDelivery.Status.SUCCEEDED
    assert delivery.response_status == 200
    [hit] = receiver.received
    assert hit["path"] == "/hook"
    assert hit["headers"]["Pista-Event"] == "order.paid"
    body = json.loads(hit["body"])
    assert body["type"] == "order.paid" and body["data"]["order"] == "ABC123"
    assert hit["headers"]["Pista-Event-Id"] == body["id"]
    verify = _documented_verifier()
    header = hit["headers"]["Pista-Signature"]
    assert verify(subscription.secret, header, hit["body"])
    assert not verify(subscription.secret, header, hit["body"] + b" ")
    assert not verify("whsec_other", header, hit["body"])
    # A replay long after: refused by the timestamp check.
    old = webhooks.webhook_signature(
        secret=subscription.secret, timestamp=1_000_000, body=hit["body"]
    )
    assert not verify(subscription.secret, old, hit["body"])


def test_a_domain_service_emits_the_event(in_a, receiver):
    _subscribe(in_a, receiver.url, ["event.published"])
    event = EventFactory(status=Event.Status.DRAFT)
    event_publish(actor=owner_of(in_a), event=event)
    delivery = WebhookDelivery.objects.get()
    assert delivery.event_type == "event.published"
    assert delivery.payload["data"]["event"] == event.pk
    # Nobody subscribed to order.paid: nothing is recorded for it.
    domain_event_emit("order.paid", order="X")
    assert WebhookDelivery.objects.count() == 1


def test_failures_are_retried_on_the_schedule_for_3_days_then_disabled(in_a, receiver):
    receiver.status = 500
    subscription = _subscribe(in_a, receiver.url)
    [delivery] = webhooks.webhook_event_record("order.paid", {"order": "X"})
    start = delivery.created_at
    schedule = webhooks.webhook_retry_schedule()
    assert [round(s.total_seconds() / 60) for s in schedule[:6]] == [0, 1, 5, 21, 85, 341]
    assert schedule[-1] <= timedelta(days=3) < schedule[-1] + webhooks.MAX_RETRY
    for n, offset in enumerate(schedule):
        # Just before its time nothing is attempted.
        if offset:
            assert webhooks.webhook_deliveries_due(now=start + offset - timedelta(seconds=1)) == 0
        assert webhooks.webhook_deliveries_due(now=start + offset) == 1
        assert len(receiver.received) == n + 1
    delivery.refresh_from_db()
    assert delivery.status == WebhookDelivery.Status.FAILED
    assert delivery.attempts == len(schedule)
    assert [a["status"] for a in delivery.attempts_log][-1] == 500
    subscription.refresh_from_db()
    assert not subscription.is_active and "3 days" in subscription.disabled_reason
    assert OutboxMessage.objects.filter(
        task="core_apps.integrations.tasks.webhook_disabled_mail_send_task"
    ).exists()
    webhooks.webhook_disabled_mail_send(subscription_id=subscription.pk)
    assert mail.outbox[-1].to == [owner_of(in_a).email]
    assert receiver.url in mail.outbox[-1].body
    # A disabled subscription gets no new deliveries.
    assert webhooks.webhook_event_record("order.paid", {"order": "Y"}) == []


def test_a_recovered_endpoint_gets_the_retry(in_a, receiver):
    receiver.status = 503
    _subscribe(in_a, receiver.url)
    [delivery] = webhooks.webhook_event_record("order.paid", {"order": "X"})
    webhooks.webhook_deliveries_due(now=delivery.created_at)
    receiver.status = 204
    webhooks.webhook_deliveries_due(now=delivery.created_at + timedelta(minutes=1))
    delivery.refresh_from_db()
    assert delivery.status == WebhookDelivery.Status.SUCCEEDED
    assert [a["status"] for a in delivery.attempts_log] == [503, 204]


PRIVATE = [
    "https://127.0.0.1/hook",
    "https://10.1.2.3/hook",
    "https://169.254.169.254/latest/meta-data/",
    "https://[::1]/hook",
    "https://[::ffff:127.0.0.1]/hook",
    "https://192.168.0.10/",
    "https://0.0.0.0/",
]


@pytest.mark.parametrize("url", PRIVATE)
def test_private_loopback_and_link_local_targets_are_refused(in_a, url):
    with pytest.raises(webhooks.WebhookUrlRefused):
        _subscribe(in_a, url)
    assert not WebhookSubscription.objects.exists()


@pytest.mark.parametrize(
    "url",
    [
        "http://hooks.example.org/x",
        "ftp://hooks.example.org/",
        "https://",
        "https://u:p@hooks.example.org/",
    ],
)
def test_non_https_and_malformed_urls_are_refused(in_a, url, monkeypatch):
    monkeypatch.setattr(webhooks, "resolve_host", lambda host, port: ["93.184.216.34"])
    with pytest.raises(webhooks.WebhookUrlRefused):
        _subscribe(in_a, url)


@pytest.mark.parametrize("address", ["127.0.0.1", "10.0.0.7", "169.254.169.254", "fd00::1"])
def test_a_name_resolving_to_a_private_address_is_refused(in_a, monkeypatch, address):
    monkeypatch.setattr(webhooks, "resolve_host", lambda host, port: [address])
    with pytest.raises(webhooks.WebhookUrlRefused, match="public address"):
        _subscribe(in_a, "https://hooks.attacker.example/x")


def test_a_name_that_turns_private_after_subscribing_is_refused_at_delivery(
    in_a, receiver, monkeypatch
):
    answers = {"hooks.example.org": ["93.184.216.34"]}
    monkeypatch.setattr(webhooks, "resolve_host", lambda host, port: answers[host])
    _subscribe(in_a, "https://hooks.example.org/x")
    answers["hooks.example.org"] = ["127.0.0.1"]  # DNS rebinding
    [delivery] = webhooks.webhook_event_record("order.paid", {"order": "X"})
    delivery = webhooks.webhook_delivery_attempt(delivery_id=delivery.pk)
    assert delivery.status == WebhookDelivery.Status.PENDING
    assert "public address" in delivery.error and delivery.response_status is None
    assert receiver.received == []


def test_delivery_connects_to_the_address_it_checked(in_a, receiver, monkeypatch):
    """The host name is looked up once; the connection goes to that address
    (127.0.0.1 here, allowlisted), while the Host header keeps the name."""
    lookups: list[str] = []

    def resolve(host: str, port: int) -> list[str]:
        lookups.append(host)
        return ["127.0.0.1"]

    monkeypatch.setattr(webhooks, "resolve_host", resolve)
    name = f"receiver.test:{receiver.port}"
    with override_settings(PISTA_WEBHOOK_ALLOWED_TARGETS=[name]):
        _subscribe(in_a, f"http://{name}/hook")
        [delivery] = webhooks.webhook_event_record("order.paid", {"order": "X"})
        lookups.clear()
        delivery = webhooks.webhook_delivery_attempt(delivery_id=delivery.pk)
    assert delivery.status == WebhookDelivery.Status.SUCCEEDED
    assert lookups == ["receiver.test"]
    assert receiver.received[0]["headers"]["Host"] == name


def test_plain_http_to_loopback_needs_the_explicit_allowlist(in_a, receiver):
    with (
        override_settings(PISTA_WEBHOOK_ALLOWED_TARGETS=[]),
        pytest.raises(webhooks.WebhookUrlRefused),
    ):
        _subscribe(in_a, receiver.url)


def test_the_owner_subscribes_sees_the_log_and_redelivers_on_the_page(
    client_a, community_a, receiver
):
    login(client_a, community_a, owner_of(community_a))
    refused = client_a.post(
        "/settings/integrations/webhooks/",
        {"hook-url": "https://169.254.169.254/", "hook-event_types": ["order.paid"]},
    )
    assert refused.status_code == 400
    assert "public address" in refused.content.decode()
    added = client_a.post(
        "/settings/integrations/webhooks/",
        {"hook-url": receiver.url, "hook-event_types": ["order.paid", "checkin.created"]},
    )
    assert added.status_code == 303
    with schema_context(community_a.schema_name):
        [delivery] = webhooks.webhook_event_record("order.paid", {"order": "X"})
        webhooks.webhook_delivery_attempt(delivery_id=delivery.pk)
    page = client_a.get("/settings/integrations/").content.decode()
    assert "HTTP 200" in page and receiver.url in page
    assert (
        client_a.post(f"/settings/integrations/deliveries/{delivery.pk}/redeliver/").status_code
        == 303
    )
    with schema_context(community_a.schema_name):
        copies = WebhookDelivery.objects.filter(event_id=delivery.event_id)
        assert copies.count() == 2
        subscription = WebhookSubscription.objects.get()
    assert (
        client_a.post(f"/settings/integrations/webhooks/{subscription.pk}/disable/").status_code
        == 303
    )
    with schema_context(community_a.schema_name):
        assert not WebhookSubscription.objects.get().is_active


def test_events_and_deliveries_stay_in_their_community(
    client_b, community_a, community_b, receiver
):
    with schema_context(community_a.schema_name):
        _subscribe(community_a, receiver.url)
        [delivery] = webhooks.webhook_event_record("order.paid", {"order": "A1"})
    with schema_context(community_b.schema_name):
        assert webhooks.webhook_event_record("order.paid", {"order": "B1"}) == []
        assert not WebhookDelivery.objects.exists()
    login(client_b, community_b, owner_of(community_b))
    client_b.post(f"/settings/integrations/deliveries/{delivery.pk}/redeliver/")
    page = client_b.get("/settings/integrations/").content.decode()
    assert receiver.url not in page
    with schema_context(community_a.schema_name):
        assert WebhookDelivery.objects.count() == 1


def test_finished_deliveries_leave_the_log_after_30_days_pending_ones_never(
    in_a, community_b, receiver
):
    subscription = _subscribe(in_a, receiver.url)
    now = timezone.now()
    old = now - webhooks.DELIVERY_LOG_KEPT - timedelta(minutes=1)

    def delivery(status: str, created_at: datetime) -> WebhookDelivery:
        return WebhookDelivery.objects.create(
            subscription=subscription,
            event_id=uuid.uuid4(),
            event_type="order.paid",
            payload={},
            status=status,
            created_at=created_at,
        )

    old_done = delivery(WebhookDelivery.Status.SUCCEEDED, old)
    old_failed = delivery(WebhookDelivery.Status.FAILED, old)
    old_pending = delivery(WebhookDelivery.Status.PENDING, old)
    recent = delivery(WebhookDelivery.Status.SUCCEEDED, now - timedelta(days=29))
    with schema_context(community_b.schema_name):
        other = WebhookDelivery.objects.create(
            subscription=_subscribe(community_b, receiver.url),
            event_id=uuid.uuid4(),
            event_type="order.paid",
            payload={},
            status=WebhookDelivery.Status.SUCCEEDED,
            created_at=old,
        )

    assert webhooks.webhook_deliveries_prune(now=now) == 2

    kept = set(WebhookDelivery.objects.values_list("pk", flat=True))
    assert {old_pending.pk, recent.pk} <= kept
    assert not kept & {old_done.pk, old_failed.pk}
    with schema_context(community_b.schema_name):
        # Another community's log is pruned by its own run, not by A's.
        assert WebhookDelivery.objects.filter(pk=other.pk).exists()
