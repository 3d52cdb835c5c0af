"""Checkout of a queued event: only with a valid pass from its line, each pass
placing one order; forged, expired and reused passes refused, across the
API and the checkout page; the status endpoint without the database."""

from __future__ import annotations

import time

import pytest
from django.db import connection
from django_tenants.utils import schema_context

from core_apps.orders.models import Order
from core_apps.ticketing.salequeue.admission import PASS_HEADER
from core_apps.ticketing.salequeue.passes import (
    QueuePass,
    pass_cookie_name,
    pass_sign,
    ticket_cookie_name,
)
from tests.conftest import community_host
from tests.core_apps.events.factories import EventFactory, ProductFactory, QuotaFactory
from tests.core_apps.ticketing.salequeue.conftest import (
    admissions_age,
    line_age,
    queue_on,
)

pytestmark = pytest.mark.django_db


def _checkout(client, product, **headers):
    body = {
        "email": "ana@example.org",
        "name": "Ana",
        "provider": "simulated",
        "lines": [{"product": product.pk, "quantity": 1}],
    }
    return client.post("/api/v1/checkout/", body, content_type="application/json", **headers)


def _admitted(client, queued) -> dict:
    """Join the line with ``client``, let the pace admit it, and return its status."""
    joined = client.post(f"{queued.line}join/")
    assert joined.status_code == 200, joined.content
    assert joined.json()["state"] == "waiting"
    line_age(queued.schema, queued.event.pk, 3600)
    status = client.get(f"{queued.line}status/")
    assert status.status_code == 200
    assert status.json()["state"] == "admitted", status.json()
    return status.json()


def test_checkout_of_a_queued_event_without_a_pass_is_refused(client_a, queued):
    response = _checkout(client_a, queued.product)
    assert response.status_code == 403
    assert response.json()["code"] == "queue_pass_required"
    assert response.json()["extra"]["line"] == queued.line
    with schema_context("alpha"):
        assert not Order.objects.exists()


def test_an_admitted_visitor_checks_out_once_with_the_pass(client_a, queued):
    status = _admitted(client_a, queued)
    assert status["pass"] and status["expires_in_s"] > 9 * 60
    first = _checkout(client_a, queued.product)  # the pass cookie the status set
    assert first.status_code == 201, first.json()
    again = _checkout(client_a, queued.product)
    assert again.status_code == 409
    assert again.json()["code"] == "queue_pass_used"
    assert client_a.get(f"{queued.line}status/").json()["state"] == "used"
    with schema_context("alpha"):
        assert Order.objects.count() == 1


def test_a_pass_in_the_header_serves_api_clients_without_cookies(client_a, queued):
    token = _admitted(client_a, queued)["pass"]
    client_a.cookies.clear()
    response = _checkout(client_a, queued.product, HTTP_X_PISTA_QUEUE_PASS=token)
    assert response.status_code == 201, response.json()
    assert PASS_HEADER == "X-Pista-Queue-Pass"


def test_a_refused_checkout_leaves_the_pass_usable(client_a, queued):
    _admitted(client_a, queued)
    bad = client_a.post(
        "/api/v1/checkout/",
        {
            "email": "ana@example.org",
            "name": "",
            "provider": "simulated",
            "lines": [{"product": queued.product.pk, "quantity": 1}],
        },
        content_type="application/json",
    )
    assert bad.status_code == 400
    assert _checkout(client_a, queued.product).status_code == 201


def test_a_forged_pass_is_refused(client_a, queued):
    token = _admitted(client_a, queued)["pass"]
    forged = token[:-3] + ("AAA" if not token.endswith("AAA") else "BBB")
    response = _checkout(client_a, queued.product, HTTP_X_PISTA_QUEUE_PASS=forged)
    assert response.status_code == 403
    assert response.json()["code"] == "queue_pass_invalid"
    made_up = pass_sign(
        schema="alpha",
        queue_pass=QueuePass(event_id=queued.event.pk, epoch="x", position=1, expires_at=1),
    ).replace("x.1.1:", "x.1.9999999999:")  # a later expiry, same signature
    response = _checkout(client_a, queued.product, HTTP_X_PISTA_QUEUE_PASS=made_up)
    assert response.json()["code"] == "queue_pass_invalid"


def test_an_expired_pass_sends_the_visitor_back_to_the_line(client_a, queued):
    status = _admitted(client_a, queued)
    expired = pass_sign(
        schema="alpha",
        queue_pass=QueuePass(
            event_id=queued.event.pk,
            epoch=status["pass"].split(".")[0],
            position=status["position"],
            expires_at=int(time.time()) - 1,
        ),
    )
    response = _checkout(client_a, queued.product, HTTP_X_PISTA_QUEUE_PASS=expired)
    assert response.status_code == 410
    assert response.json()["code"] == "queue_pass_expired"
    assert "line" in response.json()["detail"]
    # The line says so too once the window is over, and gives no new pass.
    admissions_age(queued.schema, queued.event.pk, status["pass"].split(".")[0], 601)
    late = client_a.get(f"{queued.line}status/").json()
    assert late["state"] == "expired" and "pass" not in late


def test_a_pass_of_community_a_is_forged_in_community_b(client_a, client_b, queued, community_b):
    with schema_context(community_b.schema_name):
        event = EventFactory()
        quota = QuotaFactory(name="Party", size=5, event=event)
        product_b = ProductFactory(name="Party", event=event, price_minor=1500, quotas=[quota])
        from django.test import TestCase

        queue_on(event, TestCase.captureOnCommitCallbacks)
    token = _admitted(client_a, queued)["pass"]
    response = _checkout(client_b, product_b, HTTP_X_PISTA_QUEUE_PASS=token)
    assert response.status_code == 403 and response.json()["code"] == "queue_pass_invalid"
    # Even for the same event id, A's signature is not B's.
    same_id = pass_sign(
        schema="alpha",
        queue_pass=QueuePass(event_id=event.pk, epoch="e", position=1, expires_at=2**31),
    )
    response = _checkout(client_b, product_b, HTTP_X_PISTA_QUEUE_PASS=same_id)
    assert response.status_code == 403 and response.json()["code"] == "queue_pass_invalid"


def test_the_status_endpoint_reads_no_database(client_a, queued, django_assert_num_queries):
    client_a.post(f"{queued.line}join/")
    client_a.get(f"{queued.line}status/")  # the host's route is cached from here on
    with django_assert_num_queries(0):
        waiting = client_a.get(f"{queued.line}status/")
    assert waiting.status_code == 200 and waiting.json()["state"] == "waiting"
    line_age(queued.schema, queued.event.pk, 3600)
    with django_assert_num_queries(0):
        admitted = client_a.get(f"{queued.line}status/")
    assert admitted.json()["state"] == "admitted"
    assert admitted.cookies[pass_cookie_name(queued.event.pk)].value == admitted.json()["pass"]


def test_events_without_a_queue_sell_without_a_pass(client_a, queued):
    event = EventFactory()
    quota = QuotaFactory(name="Class", size=5, event=event)
    product = ProductFactory(name="Class", event=event, price_minor=1500, quotas=[quota])
    assert _checkout(client_a, product).status_code == 201


def test_a_checkout_of_an_event_without_a_queue_costs_no_query_for_the_queue(client_a, in_a):
    event = EventFactory()
    quota = QuotaFactory(name="Class", size=5, event=event)
    product = ProductFactory(name="Class", event=event, price_minor=1500, quotas=[quota])
    _checkout(client_a, product)  # the community's list of queued events is now in Redis
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        assert _checkout(client_a, product).status_code == 201
    assert not any("ticketing_salequeue" in q["sql"] for q in queries.captured_queries)


def test_the_checkout_page_sends_a_visitor_without_a_pass_to_the_line(client_a, queued):
    page = f"/orders/checkout/{queued.product.pk}/"
    response = client_a.get(page)
    assert response.status_code == 302
    assert response["Location"].startswith(queued.line)
    waiting = client_a.get(response["Location"])
    assert waiting.status_code == 200
    assert b"Your place in line" in waiting.content
    line_age(queued.schema, queued.event.pk, 3600)
    admitted = client_a.get(response["Location"])
    assert admitted.status_code == 302 and admitted["Location"] == page
    form = client_a.get(page)
    assert form.status_code == 200
    token = form.context["form"]["submission_token"].value()
    placed = client_a.post(
        page,
        {
            "name": "Ana",
            "email": "ana@example.org",
            "provider": "simulated",
            "submission_token": token,
        },
    )
    assert placed.status_code == 302 and placed["Location"].startswith("/orders/")
    used = client_a.get(page)
    assert used.status_code == 409
    assert b"already been used" in used.content
    assert queued.line.encode() in used.content


def test_the_checkout_page_refuses_a_forged_pass_with_a_way_back(client_a, queued):
    client_a.cookies[pass_cookie_name(queued.event.pk)] = "1.2.3:forged"
    response = client_a.get(f"/orders/checkout/{queued.product.pk}/")
    assert response.status_code == 403
    assert b"not valid here" in response.content
    assert queued.line.encode() in response.content


def test_the_host_of_community_b_has_no_line_of_community_a(client_b, queued):
    response = client_b.get(f"{queued.line}status/")
    assert response.status_code in (200, 404)
    assert response.json().get("state") != "waiting"
    assert community_host  # both hosts route to their own schema


def test_line_answers_are_counted_in_the_metrics(client_a, platform_client, queued, settings):
    settings.METRICS_TOKEN = "queue-metrics-token"

    def told(action: str, state: str) -> float:
        body = platform_client.get(
            "/metrics", HTTP_AUTHORIZATION="Bearer queue-metrics-token"
        ).content.decode()
        prefix = f'pista_sale_queue_answers_total{{action="{action}",state="{state}"}} '
        found = [line for line in body.splitlines() if line.startswith(prefix)]
        return float(found[0].rsplit(" ", 1)[1]) if found else 0.0

    joined, waiting, forged = (
        told("join", "waiting"),
        told("status", "waiting"),
        told("status", "invalid"),
    )
    client_a.post(f"{queued.line}join/")
    client_a.get(f"{queued.line}status/")
    client_a.cookies[ticket_cookie_name(queued.event.pk)] = "forged"
    assert client_a.get(f"{queued.line}status/").status_code == 403
    assert told("join", "waiting") == joined + 1
    assert told("status", "waiting") == waiting + 1
    assert told("status", "invalid") == forged + 1
