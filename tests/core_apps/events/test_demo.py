"""The demo catalogue: realistic and idempotent."""

from __future__ import annotations

import pytest

from core_apps.events.demo import SEEDERS, events_demo_seed
from core_apps.events.models import DanceStyle, Event, EventDate
from core_apps.ticketing.models import PriceTier, Product, Quota, RoleMode

pytestmark = pytest.mark.django_db


def _counts():
    return [m.objects.count() for m in (DanceStyle, Event, EventDate, Product, Quota, PriceTier)]


def test_every_demo_block_is_idempotent_and_realistic(in_a):
    events_demo_seed(in_a)  # the defaults only: alpha is no demo community
    for seeder in SEEDERS.values():
        seeder(in_a)
    first = _counts()
    for seeder in SEEDERS.values():
        seeder(in_a)
    events_demo_seed(in_a)
    assert _counts() == first

    classes = Event.objects.filter(slug__startswith="salsa-cubana-")
    assert sorted(classes.values_list("level__slug", flat=True)) == [
        "advanced",
        "beginner",
        "intermediate",
    ]
    assert all(q.role_mode == RoleMode.LEAD_FOLLOW for q in Quota.objects.filter(event__in=classes))
    assert all(e.dates.count() == 12 for e in classes)

    course = Event.objects.get(slug="curso-tango-inicial")
    assert course.kind == Event.Kind.COURSE
    assert course.products.get().quotas.get().role_mode == RoleMode.LEAD_FOLLOW_SWITCH
    assert Event.objects.get(slug="milonga-del-barrio").dates.count() == 10

    full = Product.objects.get(name="Full pass")
    party = Product.objects.get(name="Party pass")
    hall = Quota.objects.get(name="Ballroom capacity")
    assert hall in full.quotas.all() and hall in party.quotas.all()
    assert full.tiers.exists() and party.tiers.exists()
