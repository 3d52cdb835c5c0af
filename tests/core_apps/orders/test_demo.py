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


def test_the_box_office_demo_has_every_order_state_a_promo_a_waitlist_and_check_ins(
    in_a, django_capture_on_commit_callbacks
):
    from core_apps.orders.demo import DEMO_PROMO, box_office_demo_seed
    from core_apps.orders.models import CheckIn, PromoCode, WaitlistEntry

    events_demo_seed(in_a)
    for seeder in SEEDERS.values():
        seeder(in_a)
    with django_capture_on_commit_callbacks(execute=True):
        box_office_demo_seed(in_a)
    statuses = set(Order.objects.values_list("status", flat=True))
    assert set(Order.Status.values) <= statuses
    promo = PromoCode.objects.get(code=DEMO_PROMO)
    assert promo.used == 1
    assert WaitlistEntry.objects.filter(email__startswith="waiting").count() == 3
    assert WaitlistEntry.objects.filter(status="waiting").exists()
    assert CheckIn.objects.filter(checkin_list__isnull=False).count() >= 2
    before = Order.objects.count()
    box_office_demo_seed(in_a)
    assert Order.objects.count() == before
