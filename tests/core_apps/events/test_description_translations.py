"""Event descriptions in the community's further languages: edited in the back
office through the events services, shown in the visitor's language with the
default description as fallback, sanitised, never for languages not offered."""

from __future__ import annotations

import pytest

from core_apps.events.forms import EventForm
from core_apps.events.services import event_update
from tests.conftest import login
from tests.core_apps.events.factories import EventFactory, organizer_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def bilingual_a(community_a):
    community_a.language = "en"
    community_a.languages = ["de"]
    community_a.save(update_fields=["language", "languages"])
    return community_a


def test_the_description_follows_the_visitors_language(bilingual_a, in_a, client_a):
    event = EventFactory(description="<p>Dance all night</p>")
    event_update(
        actor=None,
        event=event,
        description_translations={
            "de": "<p>Die ganze Nacht tanzen</p><script>x()</script>",
            "es": "<p>not offered here</p>",
            "en": "<p>the default lives in description</p>",
        },
    )
    event.refresh_from_db()
    assert event.description_translations == {"de": "<p>Die ganze Nacht tanzen</p>"}

    german = client_a.get(event.get_absolute_url(), {"lang": "de"}).content.decode()
    assert "Die ganze Nacht tanzen" in german and "Dance all night" not in german
    english = client_a.get(event.get_absolute_url()).content.decode()
    assert "Dance all night" in english and "Die ganze Nacht" not in english


def test_without_a_translation_the_default_description_shows(bilingual_a, in_a, client_a):
    event = EventFactory(description="<p>Dance all night</p>")
    assert (
        "Dance all night" in client_a.get(event.get_absolute_url(), {"lang": "de"}).content.decode()
    )


def test_the_back_office_form_has_a_description_per_further_language(bilingual_a, in_a, client_a):
    organizer = organizer_create()
    event = EventFactory(
        description="<p>Hello</p>", description_translations={"de": "<p>Hallo</p>"}
    )
    login(client_a, bilingual_a, organizer)
    form = client_a.get(f"/manage/events/{event.pk}/").content.decode()
    assert 'name="description_de"' in form and "&lt;p&gt;Hallo&lt;/p&gt;" in form
    assert 'name="description_en"' not in form and 'name="description_es"' not in form

    initial = EventForm.initial_for(event)
    data = {
        **{k: v for k, v in initial.items() if k not in {"styles", "level"} and v is not None},
        "starts_at": initial["starts_at"].strftime("%Y-%m-%dT%H:%M"),
        "ends_at": initial["ends_at"].strftime("%Y-%m-%dT%H:%M"),
        "description_de": "<p>Servus</p>",
    }
    response = client_a.post(f"/manage/events/{event.pk}/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    event.refresh_from_db()
    assert event.description_translations == {"de": "<p>Servus</p>"}


def test_another_communitys_languages_do_not_apply(bilingual_a, community_b, client_b):
    from django_tenants.utils import schema_context

    with schema_context(community_b.schema_name):
        event = EventFactory(description="<p>Beta</p>", description_translations={"de": "<p>B</p>"})
        event_update(actor=None, event=event, title="Beta night")
        event.refresh_from_db()
        assert event.description_translations == {}  # B offers English only
