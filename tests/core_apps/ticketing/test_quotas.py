"""Quotas: passes that draw on several, products that share one, role counters."""

from __future__ import annotations

import random

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core_apps.ticketing.models import Product, Quota, RoleMode
from core_apps.ticketing.services import (
    RoleImbalance,
    SoldOut,
    product_create,
    quota_create,
    quotas_release,
    quotas_reserve,
)
from tests.core_apps.events.factories import EventFactory


def _reserve_product(product: Product, n: int = 1, **kwargs):
    return quotas_reserve(quota_ids_with_counts={q.pk: n for q in product.quotas.all()}, **kwargs)


def test_a_pass_covering_three_events_consumes_each_events_quota(in_a):
    events = [EventFactory() for _ in range(3)]
    quotas = [quota_create(actor=None, name=e.title, size=50, event=e) for e in events]
    full_pass = product_create(
        actor=None,
        name="Weekend pass",
        kind=Product.Kind.PASS,
        price_minor=12000,
        quotas=quotas,
        covers_events=events,
        status=Product.Status.PUBLISHED,
    )
    _reserve_product(full_pass, 2)
    assert [Quota.objects.get(pk=q.pk).sold for q in quotas] == [2, 2, 2]
    assert set(full_pass.covers_events.all()) == set(events)


def test_party_and_full_passes_sharing_the_hall_quota_never_exceed_it_together(in_a):
    hall = quota_create(actor=None, name="Hall", size=37)
    workshops = quota_create(actor=None, name="Workshops", size=1000)
    full = product_create(
        actor=None,
        name="Full pass",
        kind=Product.Kind.PASS,
        price_minor=15000,
        quotas=[hall, workshops],
        status=Product.Status.PUBLISHED,
    )
    party = product_create(
        actor=None,
        name="Party pass",
        kind=Product.Kind.PASS,
        price_minor=6000,
        quotas=[hall],
        status=Product.Status.PUBLISHED,
    )
    rng = random.Random(4)
    sold = {full.pk: 0, party.pk: 0}
    refused = 0
    for _ in range(200):
        product = rng.choice([full, party])
        n = rng.randint(1, 3)
        try:
            _reserve_product(product, n)
        except SoldOut as exc:
            assert exc.extra["quota_id"] == hall.pk
            refused += 1
        else:
            sold[product.pk] += n
    hall.refresh_from_db()
    workshops.refresh_from_db()
    assert sum(sold.values()) == hall.sold <= hall.size
    assert hall.size - hall.sold < 3  # it filled up until no request fitted
    assert workshops.sold == sold[full.pk]  # a refused full pass took nothing anywhere
    assert refused > 0


def test_a_reservation_is_one_conditional_update_per_quota_in_primary_key_order(in_a):
    second = quota_create(actor=None, name="B", size=5)
    first = Quota.objects.get(pk=quota_create(actor=None, name="A", size=5).pk)
    with CaptureQueriesContext(connection) as queries:
        quotas_reserve(quota_ids_with_counts={first.pk: 1, second.pk: 2})
    updates = [q["sql"] for q in queries.captured_queries if "UPDATE" in q["sql"]]
    assert len(updates) == 2
    assert all("sold + " in sql and "<= size" in sql and "RETURNING" in sql for sql in updates)
    ids = [int(sql.split("WHERE id = ")[1].split()[0]) for sql in updates]
    assert ids == sorted(ids)


def test_a_sold_out_quota_rolls_back_the_other_quotas_of_the_same_reservation(in_a):
    roomy = quota_create(actor=None, name="Roomy", size=10)
    tight = quota_create(actor=None, name="Tight", size=1)
    with pytest.raises(SoldOut):
        quotas_reserve(quota_ids_with_counts={roomy.pk: 2, tight.pk: 2})
    assert Quota.objects.get(pk=roomy.pk).sold == 0


def test_released_places_can_be_sold_again(in_a):
    quota = quota_create(actor=None, name="Class", size=2)
    quotas_reserve(quota_ids_with_counts={quota.pk: 2})
    with pytest.raises(SoldOut):
        quotas_reserve(quota_ids_with_counts={quota.pk: 1})
    quotas_release(quota_ids_with_counts={quota.pk: 1})
    quotas_reserve(quota_ids_with_counts={quota.pk: 1})
    assert Quota.objects.get(pk=quota.pk).sold == 2


def test_role_counters_follow_the_balance_decision_under_the_row_lock(in_a):
    quota = quota_create(
        actor=None,
        name="Salsa 1",
        size=20,
        role_mode=RoleMode.LEAD_FOLLOW,
        max_difference=2,
    )
    ids = {quota.pk: 1}
    quotas_reserve(quota_ids_with_counts=ids, role="follow")
    quotas_reserve(quota_ids_with_counts=ids, role="follow")  # a third would make it 3 > 2
    with pytest.raises(RoleImbalance) as exc:
        quotas_reserve(quota_ids_with_counts=ids, role="follow")
    assert exc.value.extra["role"] == "follow"
    quotas_reserve(quota_ids_with_counts=ids, role="lead")
    quotas_reserve(quota_ids_with_counts={quota.pk: 2}, couple=True)
    quota.refresh_from_db()
    assert (quota.sold, quota.sold_lead, quota.sold_follow) == (5, 2, 3)


def test_a_switch_dancer_is_counted_in_the_role_that_is_short(in_a):
    quota = quota_create(actor=None, name="Zouk", size=20, role_mode=RoleMode.LEAD_FOLLOW_SWITCH)
    quotas_reserve(quota_ids_with_counts={quota.pk: 1}, role="lead")
    [reserved] = quotas_reserve(quota_ids_with_counts={quota.pk: 1}, role="switch")
    assert reserved.role == "follow"
    assert (reserved.sold_lead, reserved.sold_follow) == (1, 1)


def test_a_role_balanced_reservation_locks_the_quota_row_before_deciding(in_a):
    quota = quota_create(actor=None, name="Bachata", size=10, role_mode=RoleMode.LEAD_FOLLOW)
    with CaptureQueriesContext(connection) as queries:
        quotas_reserve(quota_ids_with_counts={quota.pk: 1}, role="lead")
    sql = [q["sql"] for q in queries.captured_queries]
    lock = next(i for i, s in enumerate(sql) if "FOR UPDATE" in s)
    update = next(i for i, s in enumerate(sql) if s.lstrip().startswith("UPDATE"))
    assert lock < update
