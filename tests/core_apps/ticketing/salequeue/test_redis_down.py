"""With Redis out of reach the queue fails closed: a queued event's sale
pauses and says so, the waiting room keeps waiting, other events sell."""

from __future__ import annotations

import socket

import pytest

from tests.core_apps.events.factories import EventFactory, ProductFactory, QuotaFactory
from tests.core_apps.ticketing.salequeue.conftest import line_age
from tests.core_apps.ticketing.salequeue.test_checkout_gate import _checkout

pytestmark = pytest.mark.django_db


@pytest.fixture
def redis_down(settings):
    """Point the cache (where the line lives) at a port nothing listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]

    def down() -> None:
        caches = {alias: dict(config) for alias, config in settings.CACHES.items()}
        for config in caches.values():
            if "redis" in config["BACKEND"]:
                config["LOCATION"] = f"redis://127.0.0.1:{port}/0"
        settings.CACHES = caches

    return down


def test_the_status_endpoint_says_the_queue_is_unavailable(client_a, queued, redis_down):
    client_a.post(f"{queued.line}join/")
    redis_down()
    response = client_a.get(f"{queued.line}status/")
    assert response.status_code == 503
    assert response.json()["code"] == "queue_unavailable"
    assert response.json()["state"] == "unavailable"
    assert "paused" in response.json()["detail"]


def test_a_queued_event_refuses_checkout_even_with_a_pass(client_a, queued, redis_down):
    client_a.post(f"{queued.line}join/")
    line_age(queued.schema, queued.event.pk, 3600)
    assert client_a.get(f"{queued.line}status/").json()["state"] == "admitted"
    redis_down()
    response = _checkout(client_a, queued.product)
    assert response.status_code == 503
    assert response.json()["code"] == "queue_unavailable"


def test_events_without_a_queue_still_sell(client_a, queued, redis_down):
    event = EventFactory()
    quota = QuotaFactory(name="Class", size=5, event=event)
    product = ProductFactory(name="Class", event=event, price_minor=1500, quotas=[quota])
    redis_down()
    assert _checkout(client_a, product).status_code == 201


def test_the_waiting_room_waits_and_retries(client_a, queued, redis_down):
    redis_down()
    response = client_a.get(queued.line)
    assert response.status_code == 503
    page = response.content.decode()
    assert "sales are paused" in page
    assert 'http-equiv="refresh"' in page


def test_the_queue_cannot_be_turned_on_without_redis(in_a, redis_down):
    from django.core.exceptions import ValidationError

    from core_apps.ticketing.salequeue.services import sale_queue_update

    redis_down()
    with pytest.raises(ValidationError) as refused:
        sale_queue_update(
            actor=None, event=EventFactory(), is_enabled=True, rate_per_minute=10, window_minutes=5
        )
    assert "is_enabled" in refused.value.message_dict
