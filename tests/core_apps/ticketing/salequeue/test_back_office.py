"""The organizer turns an event's queue on in the back office, by clicking from
the event's page; bad input is a message next to its field."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from core_apps.privacy.models import AuditEntry
from core_apps.ticketing.models import SaleQueue
from tests.conftest import login
from tests.core_apps.events.factories import (
    EventFactory,
    ProductFactory,
    QuotaFactory,
    organizer_create,
)
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def organizer(in_a, client_a, community_a):
    user = organizer_create()
    login(client_a, community_a, user)
    return user


@pytest.fixture
def party(in_a):
    event = EventFactory()  # Europe/Berlin
    quota = QuotaFactory(name="Party", size=50, event=event)
    ProductFactory(name="Party", event=event, price_minor=1500, quotas=[quota])
    return event


def test_an_organizer_turns_the_queue_on_from_the_event_page(
    client_a, organizer, party, django_capture_on_commit_callbacks
):
    edit = client_a.get(f"/manage/events/{party.pk}/").content.decode()
    page = f"/manage/catalogue/queues/{party.pk}/"
    assert f'href="{page}"' in edit
    assert client_a.get(page).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        saved = client_a.post(
            page,
            {
                "is_enabled": "on",
                "rate_per_minute": "120",
                "window_minutes": "5",
                "opens_at": "2031-01-10 20:00",
            },
        )
    assert saved.status_code == 302
    queue = SaleQueue.objects.get(event=party)
    assert (queue.is_enabled, queue.rate_per_minute, queue.window_minutes) == (True, 120, 5)
    # Typed on the event's clock (Berlin, winter: UTC+1).
    assert queue.opens_at == datetime(2031, 1, 10, 19, 0, tzinfo=UTC)
    entry = AuditEntry.objects.get(action="salequeue.update", target_id=str(queue.pk))
    assert entry.actor == organizer and entry.data["enabled"] is True
    shown = client_a.get(page).content.decode()
    assert "0 places given" in shown and 'value="2031-01-10 20:00:00"' in shown
    product = party.products.get()
    checkout = client_a.get(f"/orders/checkout/{product.pk}/")
    assert checkout.status_code == 302 and checkout["Location"].startswith(f"/queue/{party.pk}/")


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"rate_per_minute": "0"}, "rate_per_minute"),
        ({"rate_per_minute": "1000000"}, "rate_per_minute"),
        ({"window_minutes": "0"}, "window_minutes"),
        ({"window_minutes": "1000"}, "window_minutes"),
        ({"rate_per_minute": "many"}, "rate_per_minute"),
        ({"opens_at": "soon"}, "opens_at"),
    ],
)
def test_bad_settings_are_shown_next_to_their_field(client_a, organizer, party, changes, field):
    body = {"is_enabled": "on", "rate_per_minute": "60", "window_minutes": "10", **changes}
    response = client_a.post(f"/manage/catalogue/queues/{party.pk}/", body)
    assert response.status_code == 400
    assert response.context["form"].errors[field]
    assert not SaleQueue.objects.filter(event=party, is_enabled=True).exists()


def test_a_member_may_not_change_a_queue(client_a, community_a, party):
    login(client_a, community_a, UserFactory())
    response = client_a.post(
        f"/manage/catalogue/queues/{party.pk}/",
        {"is_enabled": "on", "rate_per_minute": "60", "window_minutes": "10"},
    )
    assert response.status_code == 403
    assert not SaleQueue.objects.exists()


def test_an_unknown_event_has_no_queue_page(client_a, organizer):
    assert client_a.get("/manage/catalogue/queues/999999/").status_code == 404
