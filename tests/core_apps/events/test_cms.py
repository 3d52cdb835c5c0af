"""The CMS shows events and the catalogue read-only: they change through the
services in the back office only."""

from __future__ import annotations

import pytest

from core_apps.events.models import Event
from tests.core_apps.events.factories import EventFactory, organizer_create

pytestmark = pytest.mark.django_db

MODELS = [
    "events/event",
    "ticketing/product",
    "ticketing/quota",
    "ticketing/pricetier",
    "ticketing/attendeequestion",
]


@pytest.fixture
def organizer_client(in_a, client_a):
    client_a.force_login(organizer_create())
    return client_a


def test_organizers_see_events_products_and_quotas_in_the_cms(organizer_client):
    for model in MODELS:
        assert organizer_client.get(f"/cms/snippets/{model}/").status_code == 200, model


def test_the_cms_cannot_add_edit_or_delete_them(organizer_client):
    event = EventFactory(title="Kept")
    for model in MODELS:
        assert organizer_client.get(f"/cms/snippets/{model}/add/").status_code in {302, 403}
    edit = f"/cms/snippets/events/event/edit/{event.pk}/"
    assert organizer_client.post(edit, {"title": "Changed"}).status_code in {302, 403}
    delete = f"/cms/snippets/events/event/delete/{event.pk}/"
    assert organizer_client.post(delete).status_code in {302, 403}
    event.refresh_from_db()
    assert event.title == "Kept"
    assert (
        organizer_client.get(f"/cms/snippets/events/event/inspect/{event.pk}/").status_code == 200
    )
    assert Event.objects.filter(pk=event.pk).exists()


def test_the_cms_menu_leads_to_the_back_office(organizer_client):
    page = organizer_client.get("/cms/").content.decode()
    assert '"/manage/"' in page or "&quot;/manage/&quot;" in page  # the sidebar's menu data
