"""Dance styles and levels: every community starts with the defaults (in its
language), and organizers add, rename, remove and reorder them."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django_tenants.utils import schema_context

from core_apps.events import services
from core_apps.events.models import DEFAULT_DANCE_STYLES, DEFAULT_LEVELS, DanceStyle, Level
from core_apps.events.services import (
    dance_style_create,
    dance_style_delete,
    dance_style_rename,
    level_create,
    level_delete,
    level_move,
    level_rename,
    taxonomy_defaults_ensure,
)
from core_apps.privacy.models import AuditEntry
from pista.errors import Conflict, PermissionDenied
from tenants.models import SpareSchema
from tenants.provisioning.services import community_create
from tenants.provisioning.spares import spare_schemas_drain, spare_schemas_refill
from tests.core_apps.events.factories import EventFactory, organizer_create
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

STYLE_SLUGS = {slug for slug, _name in DEFAULT_DANCE_STYLES}
LEVEL_SLUGS = [slug for slug, _name in DEFAULT_LEVELS]


def level_slugs() -> list[str]:
    return list(Level.objects.order_by("position", "name").values_list("slug", flat=True))


def assert_german_defaults() -> None:
    assert set(DanceStyle.objects.values_list("slug", flat=True)) == STYLE_SLUGS
    assert level_slugs() == LEVEL_SLUGS
    assert Level.objects.get(slug="open").name == "Offenes Level"
    assert Level.objects.get(slug="beginner").name == "Anfänger"
    assert DanceStyle.objects.get(slug="ballroom").name == "Gesellschaftstanz"


def test_a_cloned_community_starts_with_the_defaults_in_its_language(db):
    spare_schemas_drain()
    community_create(slug="klon", name="Klon", owner_email="k@x.example", language="de")
    with schema_context("klon"):
        assert_german_defaults()


def test_a_community_from_the_spare_pool_starts_with_the_defaults_in_its_language(db):
    spare_schemas_refill(target_size=1)
    community_create(slug="vorrat", name="Vorrat", owner_email="v@x.example", language="de")
    assert not SpareSchema.objects.exists()  # it came from the pool
    with schema_context("vorrat"):
        assert_german_defaults()


def test_the_defaults_are_created_once_and_removed_ones_stay_removed(in_a):
    taxonomy_defaults_ensure()
    assert DanceStyle.objects.filter(slug="west-coast-swing").count() == 1
    assert level_slugs() == LEVEL_SLUGS
    DanceStyle.objects.filter(slug="ballroom").delete()
    taxonomy_defaults_ensure()
    assert not DanceStyle.objects.filter(slug="ballroom").exists()


def test_the_setup_command_gives_an_existing_community_the_defaults(community_a, community_b):
    with schema_context(community_a.schema_name):
        DanceStyle.objects.all().delete()
        Level.objects.all().delete()
    community_a.language = "de"
    community_a.save(update_fields=["language"])
    call_command("community_setup_ensure", "alpha")
    with schema_context(community_a.schema_name):
        assert_german_defaults()
    with schema_context(community_b.schema_name):
        assert DanceStyle.objects.get(slug="ballroom").name == "Ballroom"


def test_an_organizer_adds_renames_and_removes_a_style_audited(in_a):
    organizer = organizer_create()
    style = dance_style_create(actor=organizer, name="  Forró ")
    assert (style.slug, style.name) == ("forro", "Forró")
    dance_style_rename(actor=organizer, style=style, name="Forró pé de serra")
    style.refresh_from_db()
    assert (style.slug, style.name) == ("forro", "Forró pé de serra")
    dance_style_delete(actor=organizer, style=style)
    assert not DanceStyle.objects.filter(slug="forro").exists()
    entries = AuditEntry.objects.filter(target_id=str(style.pk), action__startswith="dancestyle.")
    assert sorted(entries.values_list("action", flat=True)) == [
        "dancestyle.create",
        "dancestyle.delete",
        "dancestyle.rename",
    ]
    assert entries.get(action="dancestyle.rename").data == {
        "from": "Forró",
        "to": "Forró pé de serra",
    }


@pytest.mark.parametrize(
    "name",
    ["", "   ", "!!!", "salsa", "SALSA", "x" * 81],
    ids=["empty", "blank", "symbols", "same-slug", "same-name", "too-long"],
)
def test_bad_style_names_are_refused_on_the_name(in_a, name):
    organizer = organizer_create()
    before = DanceStyle.objects.count()
    with pytest.raises(ValidationError) as exc:
        dance_style_create(actor=organizer, name=name)
    assert list(exc.value.message_dict) == ["name"]
    with pytest.raises(ValidationError):
        dance_style_rename(actor=organizer, style=DanceStyle.objects.get(slug="tango"), name=name)
    assert DanceStyle.objects.count() == before
    assert DanceStyle.objects.get(slug="tango").name == "Tango"


def test_a_style_keeps_its_own_name_when_renamed_to_it(in_a):
    style = DanceStyle.objects.get(slug="zouk")
    dance_style_rename(actor=organizer_create(), style=style, name="ZOUK")
    assert DanceStyle.objects.get(slug="zouk").name == "ZOUK"


def test_a_style_or_level_events_use_is_not_removed(in_a):
    organizer = organizer_create()
    salsa = DanceStyle.objects.get(slug="salsa")
    beginner = Level.objects.get(slug="beginner")
    for _ in range(2):
        EventFactory(level=beginner).styles.add(salsa)
    with pytest.raises(Conflict, match="used by 2 events"):
        dance_style_delete(actor=organizer, style=salsa)
    with pytest.raises(Conflict, match="used by 2 events"):
        level_delete(actor=organizer, level=beginner)
    assert DanceStyle.objects.filter(slug="salsa").exists()
    assert Level.objects.filter(slug="beginner").exists()
    assert not AuditEntry.objects.filter(action__in=["dancestyle.delete", "level.delete"]).exists()


def test_levels_are_added_last_renamed_moved_and_removed(in_a):
    organizer = organizer_create()
    masters = level_create(actor=organizer, name="Masterclass")
    assert level_slugs() == [*LEVEL_SLUGS, "masterclass"]
    level_move(actor=organizer, level=masters, up=True)
    assert level_slugs() == [
        "open",
        "beginner",
        "improver",
        "intermediate",
        "masterclass",
        "advanced",
    ]
    level_move(actor=organizer, level=Level.objects.get(slug="open"), up=True)  # first already
    level_move(actor=organizer, level=Level.objects.get(slug="open"), up=False)
    assert level_slugs()[:2] == ["beginner", "open"]
    assert list(Level.objects.order_by("position").values_list("position", flat=True)) == [
        0,
        1,
        2,
        3,
        4,
        5,
    ]
    level_rename(actor=organizer, level=masters, name="Master class")
    level_delete(actor=organizer, level=masters)
    assert "masterclass" not in level_slugs()
    actions = list(
        AuditEntry.objects.filter(action__startswith="level.")
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions == ["level.create", "level.move", "level.move", "level.rename", "level.delete"]
    with pytest.raises(ValidationError) as exc:
        level_create(actor=organizer, name="Beginner")
    assert list(exc.value.message_dict) == ["name"]


def test_a_member_may_not_change_styles_or_levels(in_a):
    member = UserFactory()
    style = DanceStyle.objects.get(slug="salsa")
    level = Level.objects.get(slug="open")
    for call in (
        lambda: dance_style_create(actor=member, name="Kuduro"),
        lambda: dance_style_rename(actor=member, style=style, name="Salsa!"),
        lambda: dance_style_delete(actor=member, style=style),
        lambda: level_create(actor=member, name="Pro"),
        lambda: level_rename(actor=member, level=level, name="Any"),
        lambda: level_delete(actor=member, level=level),
        lambda: level_move(actor=member, level=level, up=False),
    ):
        with pytest.raises(PermissionDenied):
            call()
    assert DanceStyle.objects.get(slug="salsa").name == "Salsa"
    assert level_slugs() == LEVEL_SLUGS


def test_one_communitys_styles_are_its_own(community_a, community_b):
    with schema_context(community_a.schema_name):
        organizer = organizer_create()
        dance_style_create(actor=organizer, name="Kuduro")
        dance_style_rename(
            actor=organizer, style=DanceStyle.objects.get(slug="salsa"), name="Salsa cubana"
        )
        dance_style_delete(actor=organizer, style=DanceStyle.objects.get(slug="ballroom"))
    with schema_context(community_b.schema_name):
        assert set(DanceStyle.objects.values_list("slug", flat=True)) == STYLE_SLUGS
        assert DanceStyle.objects.get(slug="salsa").name == "Salsa"


@pytest.mark.parametrize(
    ("create", "model"), [(dance_style_create, DanceStyle), (level_create, Level)]
)
def test_a_name_taken_meanwhile_is_the_same_form_error(in_a, monkeypatch, create, model):
    """Two staff adding "Forró" at once: the second passes the check before the
    first commits and meets the unique slug; it gets the form error, not a 500."""
    taken = create(actor=organizer_create(), name="Forró")
    # The check as it ran before the first commit: the name looked free.
    monkeypatch.setattr(services, "_taxonomy_name_check", lambda *a, **k: ("Forró", "forro"))
    with pytest.raises(ValidationError) as refused:
        create(actor=organizer_create(), name="Forró")
    assert "name" in refused.value.message_dict
    assert list(model.objects.filter(slug="forro")) == [taken]
