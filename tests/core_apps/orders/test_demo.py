"""Demo orders: created once, then left alone."""

from __future__ import annotations

import pytest

from core_apps.events.demo import SEEDERS, events_demo_seed
from core_apps.orders.demo import DEMO_BUYER, orders_demo_seed
from core_apps.orders.models import Order

pytestmark = pytest.mark.django_db


def test_demo_orders_are_idempotent(in_a, django_capture_on_commit_callbacks):
    events_demo_seed(in_a)
    for seeder in SEEDERS.values():
        seeder(in_a)
    with django_capture_on_commit_callbacks(execute=True):
        orders_demo_seed(in_a)
    statuses = sorted(Order.objects.filter(email=DEMO_BUYER).values_list("status", flat=True))
    assert statuses == ["paid", "pending"]
    orders_demo_seed(in_a)
    assert Order.objects.filter(email=DEMO_BUYER).count() == 2
