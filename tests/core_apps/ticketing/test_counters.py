"""The counter operations ticketing offers other apps (orders above all):
locking quotas, moving a place between roles, products' sold counts, and the
read-only admission precheck."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core_apps.ticketing.models import Product, Quota, RoleMode
from core_apps.ticketing.selectors import product_admission_precheck
from core_apps.ticketing.services import (
    RoleImbalance,
    SoldOut,
    products_sold_add,
    products_sold_subtract,
    quotas_lock,
    quotas_role_move,
)
from tests.core_apps.events.factories import ProductFactory, QuotaFactory

pytestmark = pytest.mark.django_db


def test_locking_quotas_takes_their_rows_for_update_in_primary_key_order(in_a):
    quotas = [QuotaFactory() for _ in range(3)]
    with CaptureQueriesContext(connection) as queries:
        quotas_lock(quota_ids=[quotas[2].pk, quotas[0].pk, quotas[2].pk, quotas[1].pk])
    (sql,) = [q["sql"] for q in queries.captured_queries]
    assert sql.rstrip().endswith("FOR UPDATE")
    # Ordered by the pk it selects: every caller locks in the same order.
    assert 'SELECT "ticketing_quota"."id" AS "pk" FROM' in sql and "ORDER BY 1 ASC FOR" in sql


def test_locking_no_quota_runs_no_query(in_a):
    with CaptureQueriesContext(connection) as queries:
        quotas_lock(quota_ids=[])
    assert not queries.captured_queries


def test_a_role_move_shifts_one_place_between_the_counters_of_balanced_quotas_only(in_a):
    balanced = QuotaFactory(role_mode=RoleMode.LEAD_FOLLOW, sold=3, sold_lead=2, sold_follow=1)
    plain = QuotaFactory(sold=3)
    quotas_role_move(quota_ids=[plain.pk, balanced.pk], from_role="lead", to_role="follow")
    balanced.refresh_from_db()
    plain.refresh_from_db()
    assert (balanced.sold, balanced.sold_lead, balanced.sold_follow) == (3, 1, 2)
    assert (plain.sold, plain.sold_lead, plain.sold_follow) == (3, 0, 0)


def test_a_move_to_a_switch_leaves_only_the_old_roles_counter(in_a):
    quota = QuotaFactory(role_mode=RoleMode.LEAD_FOLLOW_SWITCH, sold=2, sold_lead=1, sold_follow=1)
    quotas_role_move(quota_ids=[quota.pk], from_role="follow", to_role="switch")
    quota.refresh_from_db()
    assert (quota.sold, quota.sold_lead, quota.sold_follow) == (2, 1, 0)


def test_a_move_that_changes_no_counter_writes_nothing(in_a):
    quota = QuotaFactory(role_mode=RoleMode.LEAD_FOLLOW, sold=1, sold_lead=1)
    with CaptureQueriesContext(connection) as queries:
        quotas_role_move(quota_ids=[quota.pk], from_role="lead", to_role="lead")
        quotas_role_move(quota_ids=[quota.pk], from_role="", to_role="switch")
    assert not queries.captured_queries


def test_adding_sold_counts_returns_each_products_count_before(in_a):
    first, second = ProductFactory(), ProductFactory()
    Product.objects.filter(pk=second.pk).update(sold_count=7)
    with CaptureQueriesContext(connection) as queries:
        before = products_sold_add(product_ids_with_counts={second.pk: 2, first.pk: 3})
    assert before == {first.pk: 0, second.pk: 7}
    ids = [int(q["sql"].split("WHERE id = ")[1].split()[0]) for q in queries.captured_queries]
    assert ids == sorted(ids)
    assert Product.objects.get(pk=first.pk).sold_count == 3
    assert Product.objects.get(pk=second.pk).sold_count == 9


def test_adding_to_a_missing_product_raises(in_a):
    with pytest.raises(Product.DoesNotExist):
        products_sold_add(product_ids_with_counts={987654: 1})


def test_subtracting_sold_counts_never_goes_below_zero(in_a):
    product = ProductFactory()
    products_sold_add(product_ids_with_counts={product.pk: 2})
    products_sold_subtract(product_ids_with_counts={product.pk: 1})
    assert Product.objects.get(pk=product.pk).sold_count == 1
    products_sold_subtract(product_ids_with_counts={product.pk: 5})
    assert Product.objects.get(pk=product.pk).sold_count == 0


def _with_quotas(product: Product) -> Product:
    return Product.objects.prefetch_related("quotas").get(pk=product.pk)


def test_the_precheck_refuses_what_the_snapshot_refuses_and_writes_nothing(in_a):
    full = QuotaFactory(size=2, sold=2)
    one_left = QuotaFactory(size=2, sold=1)
    balanced = QuotaFactory(
        size=10, sold=2, sold_lead=2, role_mode=RoleMode.LEAD_FOLLOW, max_difference=2
    )
    sold_out = _with_quotas(ProductFactory(quotas=[full]))
    last_place = _with_quotas(ProductFactory(quotas=[one_left]))
    pass_ = _with_quotas(ProductFactory(quotas=[balanced]))
    with CaptureQueriesContext(connection) as queries:
        with pytest.raises(SoldOut):
            product_admission_precheck(product=sold_out, role=None, couple=False)
        with pytest.raises(SoldOut):
            product_admission_precheck(product=last_place, role=None, couple=True)
        product_admission_precheck(product=last_place, role=None, couple=False)
        with pytest.raises(RoleImbalance) as refused:
            product_admission_precheck(product=pass_, role="lead", couple=False)
        assert refused.value.extra["role"] == "lead"
        product_admission_precheck(product=pass_, role="follow", couple=False)
        product_admission_precheck(product=pass_, role=None, couple=True)
    assert not queries.captured_queries  # prefetched quotas: a read of what was loaded
    assert Quota.objects.get(pk=balanced.pk).sold == 2
