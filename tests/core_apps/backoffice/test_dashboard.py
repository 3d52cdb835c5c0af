"""The sales dashboard: figures equal hand-computed ones on seeded data, the
number of queries does not grow with the orders, CSV per chart, SVG without
scripts or inline styles, and the tenant boundary."""

from __future__ import annotations

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tenants.utils import schema_context

from core_apps.orders.dashboard import dashboard_figures
from core_apps.orders.models import CheckIn, WaitlistEntry
from core_apps.orders.services import (
    LineIn,
    PromoCodeIn,
    order_checkout,
    order_mark_paid,
    order_refund,
    position_check_in,
    promo_code_create,
    waitlist_join,
)
from pista.formats import zone_get
from tests.conftest import login
from tests.core_apps.events.factories import (
    EventFactory,
    ProductFactory,
    QuotaFactory,
    organizer_create,
)

pytestmark = pytest.mark.django_db


def _order(product, *, role="", promo="", paid=True, name="Ana"):
    result = order_checkout(
        email=f"{name.lower()}@example.org",
        name=name,
        provider="manual",
        promo_code=promo,
        lines=[LineIn(product_id=product.pk, quantity=1, role=role)],
    )
    if paid:
        order_mark_paid(order=result.order, actor=None, provider="manual", reference="t")
    return result.order


@pytest.fixture
def staff(in_a, client_a, community_a):
    user = organizer_create()
    login(client_a, community_a, user)
    return user


@pytest.fixture
def seeded(staff, community_a):
    """Four sold tickets (two leaders, a follower, one without role), one
    pending order, a promo, a partial refund, a check-in and a waitlist."""
    course = EventFactory(title="Salsa course", kind="class")
    balanced = QuotaFactory(size=20, role_mode="lead_follow", max_difference=2)
    lesson = ProductFactory(name="Course", event=course, price_minor=2000, quotas=[balanced])
    drinks = ProductFactory(name="Drinks", event=course, price_minor=1000, quotas=[QuotaFactory()])
    promo_code_create(actor=staff, data=PromoCodeIn(code="TEN", kind="percent", value=10))
    first = _order(lesson, role="lead", name="Ana")
    _order(lesson, role="follow", name="Ben")
    _order(lesson, role="lead", promo="TEN", name="Cleo")
    refunded = _order(drinks, name="Dan")
    _order(drinks, paid=False, name="Eve")
    order_refund(order=refunded, actor=staff, amount_minor=500)
    position_check_in(secret=first.positions.get().secret, actor=staff)
    for index, status in enumerate(["claimed", "expired", "waiting"]):
        entry = waitlist_join(product=drinks, name=f"W{index}", email=f"w{index}@example.org")
        WaitlistEntry.objects.filter(pk=entry.pk).update(status=status)
    return course, lesson, drinks


def test_figures_equal_the_hand_computed_ones(seeded, community_a):
    course, _lesson, _drinks = seeded
    board = dashboard_figures(currency="EUR", zone=community_a.time_zone)
    today = timezone.now().astimezone(zone_get(community_a.time_zone)).date()
    assert [(d.day, d.tickets, d.revenue_minor) for d in board.over_time] == [(today, 4, 6800)]
    assert (board.tickets, board.revenue_minor) == (4, 6800)
    assert [(p.name, p.tickets, p.revenue_minor) for p in board.by_product] == [
        ("Course", 3, 5800),
        ("Drinks", 1, 1000),
    ]
    assert board.by_role == {"": 1, "follow": 1, "lead": 2}
    assert [(c.title, c.lead, c.follow) for c in board.class_balance] == [("Salsa course", 2, 1)]
    assert (board.checked_in, board.checkin_expected, board.checkin_percent) == (1, 4, 25)
    assert board.waitlist == {"claimed": 1, "expired": 1, "waiting": 1}
    assert board.waitlist_conversion_percent == 50
    assert [(p.code, p.orders, p.discount_minor) for p in board.promos] == [("TEN", 1, 200)]
    assert (board.refunds_count, board.refunds_minor, board.net_minor) == (1, 500, 6300)
    # One event's dashboard: another event's sales stay out.
    other = ProductFactory(event=EventFactory(), price_minor=700, quotas=[QuotaFactory()])
    _order(other, name="Fay")
    per_event = dashboard_figures(currency="EUR", zone="UTC", event_id=course.pk)
    assert (per_event.tickets, per_event.revenue_minor) == (4, 6800)
    assert dashboard_figures(currency="EUR", zone="UTC").tickets == 5


def test_the_page_shows_them_formatted_with_svg_charts_and_csv(seeded, client_a):
    response = client_a.get("/manage/dashboard/")
    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-figure="tickets">4<' in html and "€68.00" in html and "€63.00" in html
    assert "<svg" in html and "<script" not in html.split("</main>")[0]
    assert "style=" not in html
    assert "minor" not in html.lower()
    rows = list(
        csv.reader(io.StringIO(client_a.get("/manage/dashboard/by-product.csv").content.decode()))
    )
    assert rows == [
        ["product", "tickets", "revenue_EUR"],
        ["Course", "3", "58.00"],
        ["Drinks", "1", "10.00"],
    ]
    assert client_a.get("/manage/dashboard/nonsense.csv").status_code == 404


def _figure_queries(captured: CaptureQueriesContext) -> list[str]:
    return [q["sql"] for q in captured.captured_queries if '"orders_' in q["sql"]]


def test_the_number_of_queries_does_not_grow_with_the_orders(seeded, client_a):
    course, _lesson, drinks = seeded
    with CaptureQueriesContext(connection) as few:
        assert client_a.get("/manage/dashboard/").status_code == 200
    for index in range(6):
        _order(drinks, name=f"More{index}")
    with CaptureQueriesContext(connection) as more:
        assert client_a.get("/manage/dashboard/").status_code == 200
    with CaptureQueriesContext(connection) as per_event:
        assert client_a.get(f"/manage/dashboard/?event={course.pk}").status_code == 200
    # Four aggregate queries on the orders' tables, however many orders there are.
    assert len(_figure_queries(few)) == len(_figure_queries(more)) == 4
    assert len(_figure_queries(per_event)) == 4
    # The whole page (session, user, permissions, events menu …) stays bounded too.
    assert len(few) <= 25 and len(more) <= len(few) and len(per_event) <= len(few) + 1


def test_another_communitys_dashboard_shows_nothing_of_this_one(seeded, client_b, community_b):
    course, _, _ = seeded
    with schema_context(community_b.schema_name):
        staff_b = organizer_create()
    login(client_b, community_b, staff_b)
    html = client_b.get("/manage/dashboard/").content.decode()
    assert 'data-figure="tickets">0<' in html and "Salsa course" not in html
    assert client_b.get(f"/manage/dashboard/?event={course.pk}").status_code == 404
    assert client_b.get(f"/manage/dashboard/promos.csv?event={course.pk}").status_code == 404
    rows = client_b.get("/manage/dashboard/promos.csv").content.decode()
    assert "TEN" not in rows
    with schema_context("alpha"):
        assert CheckIn.objects.count() == 1
