"""HTML pages: checkout, the order page by magic link, pay, cancel, check-in."""

from __future__ import annotations

import re

import pytest
from django_tenants.utils import schema_context

from core_apps.orders.models import Order
from tests.conftest import login
from tests.core_apps.events.factories import (
    EventFactory,
    ProductFactory,
    QuotaFactory,
    organizer_create,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def pass_(in_a):
    event = EventFactory()
    quota = QuotaFactory(size=10, role_mode="lead_follow", max_difference=2)
    return ProductFactory(name="Full pass", event=event, price_minor=9000, quotas=[quota])


def test_buy_pay_and_check_in_through_the_pages(client_a, community_a, pass_):
    event_page = client_a.get(f"/events/{pass_.event.slug}/")
    assert f"/orders/checkout/{pass_.pk}/" in event_page.content.decode()
    response = client_a.post(
        f"/orders/checkout/{pass_.pk}/",
        {"name": "Fay", "email": "fay@example.org", "role": "follow", "provider": "simulated"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    order_url = response["Location"]
    page = client_a.get(order_url)
    assert page.status_code == 200 and 'data-status="pending"' in page.content.decode()
    paid = client_a.post(order_url + "pay/", {"card_number": "4242 4242 4242 4242"}, follow=True)
    html = paid.content.decode()
    assert 'data-status="paid"' in html and "<svg" in html
    secret = re.search(r'data-secret="([^"]+)"', html).group(1)
    staff = organizer_create()
    login(client_a, community_a, staff)
    # The old check-in page leads to the back office's lists.
    assert client_a.get("/orders/checkin/")["Location"] == "/manage/checkin/"
    lists = client_a.get("/manage/checkin/").content.decode()
    new_list = f"/manage/checkin/events/{pass_.event_id}/new/"
    assert new_list in lists
    created = client_a.post(new_list, {"name": "Door", "is_active": "on"})
    assert created.status_code == 302
    scanner = created["Location"]
    ok = client_a.post(scanner, {"secret": secret, "location": "Door"})
    assert ok.status_code == 200 and "checkin-ok" in ok.content.decode()
    again = client_a.post(scanner, {"secret": secret, "location": "Door"})
    assert again.status_code == 409 and 'data-code="already_checked_in"' in again.content.decode()


def test_checkout_page_refuses_a_missing_role_without_keeping_anything(client_a, pass_):
    response = client_a.post(
        f"/orders/checkout/{pass_.pk}/",
        {"name": "Fay", "email": "fay@example.org", "provider": "simulated"},
    )
    assert response.status_code == 400
    with schema_context("alpha"):
        assert not Order.objects.exists()


def test_order_page_of_another_community_or_wrong_secret_is_404(client_a, client_b, pass_):
    response = client_a.post(
        f"/orders/checkout/{pass_.pk}/",
        {"name": "Fay", "email": "fay@example.org", "role": "lead", "provider": "simulated"},
    )
    url = response["Location"]
    assert client_b.get(url).status_code == 404
    assert client_a.get(url.rstrip("/") + "x/").status_code == 404
    assert client_b.get(f"/orders/checkout/{pass_.pk}/").status_code == 404


def test_checkin_page_is_for_staff_only(client_a, community_a, in_a):
    from tests.factories import UserFactory

    assert client_a.get("/manage/checkin/").status_code == 302  # to the login page
    login(client_a, community_a, UserFactory())
    assert client_a.get("/manage/checkin/").status_code == 403
