"""Fixtures of the on-sale queue tests: a queued event in community A, and a
way to let time pass in a line (its clock moved back in Redis)."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django_redis import get_redis_connection

from core_apps.events.models import Event
from core_apps.ticketing.models import Product
from core_apps.ticketing.salequeue.line import line_key
from core_apps.ticketing.salequeue.services import sale_queue_update
from tests.core_apps.events.factories import EventFactory, ProductFactory, QuotaFactory


@dataclass
class Queued:
    event: Event
    product: Product
    schema: str

    @property
    def line(self) -> str:
        return f"/queue/{self.event.pk}/"


def queue_on(event: Event, capture, **settings: object) -> None:
    """Turn ``event``'s queue on through the service, its Redis copy included."""
    settings = {"rate_per_minute": 60, "window_minutes": 10, **settings}
    with capture(execute=True):
        sale_queue_update(actor=None, event=event, is_enabled=True, **settings)


def line_age(schema: str, event_id: int, seconds: float) -> None:
    """Let ``seconds`` pass for a line: its last advance and opening move back."""
    client = get_redis_connection("default")
    key = line_key(schema, event_id)
    for field in ("last", "opens"):
        value = float(client.hget(key, field) or 0)
        if value:
            client.hset(key, field, repr(value - seconds))


def admissions_age(schema: str, event_id: int, epoch: str, seconds: float) -> None:
    """Move the admission times of a line's places back by ``seconds``."""
    client = get_redis_connection("default")
    key = line_key(schema, event_id).rsplit(":", 1)[0] + f":{epoch}:seen"
    for position, at in client.hgetall(key).items():
        client.hset(key, position, repr(float(at) - seconds))


@pytest.fixture
def queued(in_a, django_capture_on_commit_callbacks) -> Queued:
    """A party of 5 places in community A sold through its queue (60 a minute,
    10 minutes to check out, open now)."""
    event = EventFactory()
    quota = QuotaFactory(name="Party", size=5, event=event)
    product = ProductFactory(name="Party", event=event, price_minor=1500, quotas=[quota])
    queue_on(event, django_capture_on_commit_callbacks)
    return Queued(event=event, product=product, schema=in_a.schema_name)
