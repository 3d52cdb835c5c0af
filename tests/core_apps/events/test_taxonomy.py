"""Dance styles and levels: defaults for every community, extensible by organizers."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django_tenants.utils import schema_context

from core_apps.events.models import DanceStyle, Level
from core_apps.events.services import dance_style_create, taxonomy_defaults_ensure
from pista.errors import PermissionDenied
from tests.core_apps.events.factories import organizer_create
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_the_default_styles_and_levels_are_created_once(in_a):
    taxonomy_defaults_ensure()
    taxonomy_defaults_ensure()
    assert DanceStyle.objects.filter(slug="west-coast-swing").count() == 1
    assert list(Level.objects.values_list("slug", flat=True)[:2]) == ["open", "beginner"]


def test_an_organizer_adds_a_style_and_a_member_may_not(in_a):
    style = dance_style_create(actor=organizer_create(), name="Forró")
    assert style.slug == "forro"
    with pytest.raises(ValidationError) as exc:
        dance_style_create(actor=organizer_create(), name="forró")
    assert "name" in exc.value.message_dict
    with pytest.raises(PermissionDenied):
        dance_style_create(actor=UserFactory(), name="Kuduro")


def test_the_defaults_are_named_in_the_communitys_language(community_a):
    community_a.language = "de"
    community_a.save(update_fields=["language"])
    with schema_context(community_a.schema_name):
        taxonomy_defaults_ensure()
        assert Level.objects.get(slug="open").name == "Offenes Level"
        assert DanceStyle.objects.get(slug="salsa").name == "Salsa"
