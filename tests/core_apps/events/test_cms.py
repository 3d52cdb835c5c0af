"""Organizers manage events and the catalogue in the CMS too, with the same rules."""

from __future__ import annotations

import pytest

from core_apps.events.models import Event
from tests.core_apps.events.factories import organizer_create

pytestmark = pytest.mark.django_db

ADD = "/cms/snippets/events/event/add/"
FORM = {
    "title": "CMS social",
    "slug": "cms-social",
    "description": "<p>ok</p>",
    "kind": "social",
    "status": "published",
    "visibility": "public",
    "venue_name": "",
    "space_name": "",
    "teacher_names": "",
    "teacher_ids": "",
    "time_zone": "Europe/Berlin",
    "starts_at": "2030-06-01 20:00",
    "ends_at": "2030-06-01 23:00",
    "recurrence": "FREQ=WEEKLY;COUNT=3",
}


@pytest.fixture
def organizer_client(in_a, client_a):
    client_a.force_login(organizer_create())
    return client_a


def test_organizers_see_events_products_and_quotas_in_the_cms(organizer_client):
    for model in [
        "events/event",
        "ticketing/product",
        "ticketing/quota",
        "ticketing/pricetier",
        "ticketing/attendeequestion",
    ]:
        assert organizer_client.get(f"/cms/snippets/{model}/").status_code == 200, model


def test_an_event_saved_in_the_cms_gets_its_dates(organizer_client):
    response = organizer_client.post(ADD, FORM)
    assert response.status_code == 302, response.context["form"].errors
    assert Event.objects.get(slug="cms-social").dates.count() == 3


def test_the_cms_refuses_a_rule_that_never_ends_on_its_field(organizer_client):
    response = organizer_client.post(ADD, {**FORM, "recurrence": "FREQ=DAILY"})
    assert response.status_code == 200
    assert "never ends" in " ".join(response.context["form"].errors["recurrence"])
    assert not Event.objects.filter(slug="cms-social").exists()
