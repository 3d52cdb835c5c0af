"""The waiting room: a place on arrival, kept across reloads; its figures,
with a reload for browsers without JavaScript; on to checkout once admitted;
a new place on request; in the visitor's language."""

from __future__ import annotations

import re

import pytest

from core_apps.ticketing.salequeue.passes import pass_cookie_name, ticket_cookie_name
from core_apps.ticketing.salequeue.services import sale_queue_update
from tests.core_apps.ticketing.salequeue.conftest import line_age

pytestmark = pytest.mark.django_db


def _position(response) -> int:
    found = re.search(r'data-field="position">(\d+)<', response.content.decode())
    assert found, response.content[:500]
    return int(found[1])


def test_a_visitor_gets_a_place_and_keeps_it_across_reloads(client_a, queued):
    first = client_a.get(queued.line)
    assert first.status_code == 200
    assert first["Cache-Control"].startswith("max-age=0")
    cookie = first.cookies[ticket_cookie_name(queued.event.pk)]
    assert cookie["httponly"] and cookie["samesite"] == "Lax" and cookie["path"] == "/"
    again = client_a.get(queued.line)
    assert _position(again) == _position(first) == 1
    page = again.content.decode()
    assert 'http-equiv="refresh"' in page  # inside <noscript>: no JavaScript, a reload
    assert "ticketing/line" in page and "data-status-url" in page


def test_visitors_in_other_browsers_queue_behind(client_a, queued, community_a):
    from django.test import Client

    from tests.conftest import community_host

    client_a.get(queued.line)
    other = Client(HTTP_HOST=community_host(community_a))
    assert _position(other.get(queued.line)) == 2


def test_an_admitted_visitor_goes_on_to_checkout_with_the_pass(client_a, queued):
    checkout = f"/orders/checkout/{queued.product.pk}/"
    client_a.get(queued.line)
    line_age(queued.schema, queued.event.pk, 3600)
    response = client_a.get(queued.line, {"next": checkout})
    assert response.status_code == 302 and response["Location"] == checkout
    assert response.cookies[pass_cookie_name(queued.event.pk)].value


def test_next_never_leaves_the_site(client_a, queued):
    client_a.get(queued.line)
    line_age(queued.schema, queued.event.pk, 3600)
    response = client_a.get(queued.line, {"next": "https://evil.example/"})
    assert response.status_code == 302
    assert response["Location"] == queued.event.get_absolute_url()


def test_a_visitor_may_take_a_new_place_at_the_back(client_a, queued, community_a):
    from django.test import Client

    from tests.conftest import community_host

    client_a.get(queued.line)
    Client(HTTP_HOST=community_host(community_a)).get(queued.line)
    again = client_a.post(queued.line)
    assert again.status_code == 302 and again["Location"].startswith(queued.line)
    assert _position(client_a.get(again["Location"])) == 3


def test_when_the_queue_is_off_the_waiting_room_sends_visitors_on(
    client_a, queued, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        sale_queue_update(
            actor=None, event=queued.event, is_enabled=False, rate_per_minute=60, window_minutes=10
        )
    response = client_a.get(queued.line)
    assert response.status_code == 302
    assert response["Location"] == queued.event.get_absolute_url()
    assert client_a.get(f"{queued.line}status/").json()["state"] == "open"
    checkout = client_a.get(f"/orders/checkout/{queued.product.pk}/")
    assert checkout.status_code == 200


def test_an_event_without_a_queue_has_no_line(client_a, in_a):
    from tests.core_apps.events.factories import EventFactory

    event = EventFactory()
    assert client_a.get(f"/queue/{event.pk}/").status_code == 302
    assert client_a.get(f"/queue/{event.pk}/status/").status_code == 404
    assert client_a.get("/queue/999999/").status_code == 404


def test_bad_input_to_the_line_endpoints_is_a_4xx(client_a, queued):
    client_a.cookies[ticket_cookie_name(queued.event.pk)] = "forged:value"
    forged = client_a.get(f"{queued.line}status/")
    assert forged.status_code == 403 and forged.json()["code"] == "queue_ticket_invalid"
    # A forged ticket is no place: joining gives a real one.
    assert client_a.post(f"{queued.line}join/").json()["state"] == "waiting"
    cross_site = client_a.post(f"{queued.line}join/", HTTP_ORIGIN="https://evil.example")
    assert cross_site.status_code == 403 and cross_site.json()["code"] == "queue_cross_site"
    assert client_a.put(f"{queued.line}status/").status_code == 405
    assert client_a.get(f"{queued.line}join/").status_code == 405
    assert client_a.get("/queue/0/status/").status_code == 404


def test_the_waiting_room_speaks_the_visitors_language(client_a, community_a, queued):
    community_a.languages = ["de", "es"]
    community_a.save(update_fields=["languages"])
    german = client_a.get(queued.line, HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert "Dein Platz in der Warteschlange" in german
    spanish = client_a.get(queued.line, HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "Tu puesto en la cola" in spanish
    refused = client_a.post(
        "/api/v1/checkout/",
        {
            "email": "ana@example.org",
            "name": "Ana",
            "provider": "simulated",
            "lines": [{"product": queued.product.pk, "quantity": 1}],
        },
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="de",
    )
    assert refused.json()["detail"].startswith("Tickets für diese Veranstaltung")
