"""What one checkout costs in queries, and the sold-out flag that answers the
refusals of an on-sale without the database (core_apps.ticketing.sold_out)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import schema_context

from core_apps.orders.models import Order
from core_apps.orders.services import order_cancel
from core_apps.ticketing.models import Quota, RoleMode
from core_apps.ticketing.services import quota_update
from core_apps.ticketing.sold_out import products_known_sold_out
from tests.core_apps.events.factories import EventFactory, ProductFactory, QuotaFactory

pytestmark = pytest.mark.django_db

# A sale: the payment settings, the product with its event, quotas, tiers and
# questions, the order, the quota's row lock and conditional update, the sold
# count, the ticket, the totals, the order's log, the transfer instructions'
# outbox row (and the savepoints of the test's transaction around them).
SALE_QUERIES = 21
# Refused for the role: no transaction, only the reads that decide it.
ROLE_REFUSAL_QUERIES = 6


def _festival(size: int = 2, **product_fields):
    event = EventFactory()
    quota = QuotaFactory(
        name="Festival", size=size, event=event, role_mode=RoleMode.LEAD_FOLLOW, max_difference=2
    )
    return ProductFactory(
        name="Full pass", event=event, price_minor=12000, quotas=[quota], **product_fields
    )


@pytest.fixture
def festival(in_a):
    return _festival()


def _buy(client, product, index: int, role: str = "lead"):
    return client.post(
        "/api/v1/checkout/",
        {
            "email": f"b{index}@example.org",
            "name": f"Buyer {index}",
            "provider": "manual",
            "currency": "EUR",
            "lines": [{"product": product.pk, "quantity": 1, "role": role}],
        },
        content_type="application/json",
    )


def _counted(client, product, index: int, role: str):
    with CaptureQueriesContext(connection) as queries:
        response = _buy(client, product, index, role)
    return response, len(queries.captured_queries)


def test_a_sale_costs_a_fixed_number_of_queries(client_a, festival):
    assert _buy(client_a, festival, 0).status_code == 201
    response, queries = _counted(client_a, festival, 1, "follow")
    assert response.status_code == 201, response.json()
    assert queries == SALE_QUERIES


def test_a_role_refusal_is_decided_on_reads_alone(client_a, in_a):
    product = _festival(size=10)
    for index in range(2):
        assert _buy(client_a, product, index, "lead").status_code == 201
    response, queries = _counted(client_a, product, 2, "lead")
    assert response.status_code == 409
    assert response.json()["code"] == "role_imbalance"
    assert queries == ROLE_REFUSAL_QUERIES
    # A role refusal never flags the product: the other role still buys.
    assert _buy(client_a, product, 4, "follow").status_code == 201


def test_once_sold_out_refusals_touch_no_database(client_a, festival):
    assert _buy(client_a, festival, 0, "lead").status_code == 201
    assert _buy(client_a, festival, 1, "follow").status_code == 201
    first = _buy(client_a, festival, 2, "lead")  # the database says so, once
    assert first.status_code == 409 and first.json()["code"] == "sold_out"
    response, queries = _counted(client_a, festival, 3, "follow")
    assert response.status_code == 409
    assert response.json()["code"] == "sold_out"
    assert queries == 0
    with schema_context("alpha"):
        assert Quota.objects.get().sold == 2


def test_places_coming_back_lift_the_flag_at_once(
    client_a, festival, django_capture_on_commit_callbacks
):
    codes = [
        _buy(client_a, festival, i, role).json()["order"]["code"]
        for i, role in enumerate(("lead", "follow"))
    ]
    assert _buy(client_a, festival, 2).json()["code"] == "sold_out"
    with schema_context("alpha"), django_capture_on_commit_callbacks(execute=True):
        order_cancel(order=Order.objects.get(code=codes[0]), actor=None, reason="requested")
    with schema_context("alpha"):
        assert not products_known_sold_out(product_ids=[festival.pk])
    assert _buy(client_a, festival, 3, "lead").status_code == 201


def test_a_bigger_quota_lifts_the_flag(client_a, festival, django_capture_on_commit_callbacks):
    _buy(client_a, festival, 0, "lead")
    _buy(client_a, festival, 1, "follow")
    assert _buy(client_a, festival, 2).json()["code"] == "sold_out"
    with schema_context("alpha"), django_capture_on_commit_callbacks(execute=True):
        quota_update(actor=None, quota=Quota.objects.get(), size=4)
    assert _buy(client_a, festival, 3, "lead").status_code == 201


def test_a_couple_refused_for_want_of_two_places_leaves_singles_buying(client_a, in_a):
    product = _festival(size=3)
    assert _buy(client_a, product, 0, "lead").status_code == 201
    assert _buy(client_a, product, 1, "follow").status_code == 201
    couple = client_a.post(
        "/api/v1/checkout/",
        {
            "email": "c@example.org",
            "name": "Couple",
            "provider": "manual",
            "lines": [
                {
                    "product": product.pk,
                    "quantity": 1,
                    "attendees": [
                        {
                            "name": "Ana",
                            "email": "ana@example.org",
                            "partner_name": "Ben",
                            "partner_email": "ben@example.org",
                        }
                    ],
                }
            ],
        },
        content_type="application/json",
    )
    assert couple.status_code == 409, couple.json()
    assert _buy(client_a, product, 2, "lead").status_code == 201


def test_a_flag_in_one_community_refuses_nothing_in_another(client_a, client_b, in_a):
    sold_out_here = _festival()
    _buy(client_a, sold_out_here, 0, "lead")
    _buy(client_a, sold_out_here, 1, "follow")
    assert _buy(client_a, sold_out_here, 2).json()["code"] == "sold_out"
    with schema_context("beta"):
        same_pk_there = _festival(pk=sold_out_here.pk)  # each schema numbers its own rows
        assert not products_known_sold_out(product_ids=[same_pk_there.pk])
    assert _buy(client_b, same_pk_there, 0, "lead").status_code == 201


def test_joining_the_waitlist_is_decided_in_the_database(client_a, festival):
    _buy(client_a, festival, 0, "lead")
    _buy(client_a, festival, 1, "follow")
    assert _buy(client_a, festival, 2).json()["code"] == "sold_out"
    response = client_a.post(
        "/api/v1/checkout/",
        {
            "email": "w@example.org",
            "name": "Waiting",
            "provider": "manual",
            "join_waitlist": True,
            "lines": [{"product": festival.pk, "quantity": 1, "role": "lead"}],
        },
        content_type="application/json",
    )
    assert response.status_code == 202, response.json()
    assert len(response.json()["waitlisted"]) == 1
