"""Artist profiles in the back office: created and edited through the
artists' services (audited), for staff only, per community."""

from __future__ import annotations

import pytest

from core_apps.artists.models import ArtistProfile
from core_apps.privacy.models import AuditEntry
from tests.conftest import login
from tests.core_apps.events.factories import organizer_create
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

FORM = {
    "name": "Maya Ruiz",
    "bio": "<p>Salsa <script>x</script>teacher</p>",
    "styles": "salsa, bachata",
    "dance_role": "both",
    "levels": "",
    "languages": "es, en",
    "home_city": "Madrid",
    "fee_currency": "EUR",
    "is_public": "on",
}


@pytest.fixture
def organizer(in_a, client_a, community_a):
    """A community admin: the role that manages artist profiles."""
    from core_apps.accounts.roles import Role
    from core_apps.accounts.services import user_role_grant

    user = UserFactory()
    user_role_grant(user=user, role=Role.ADMIN)
    login(client_a, community_a, user)
    return user


def test_an_organizer_creates_and_edits_an_artist_and_both_are_audited(client_a, organizer):
    assert "New artist" in client_a.get("/manage/artists/").content.decode()
    response = client_a.post("/manage/artists/new/", FORM)
    assert response.status_code == 302, response.content.decode()[:2000]
    profile = ArtistProfile.objects.get(name="Maya Ruiz")
    assert profile.styles == ["salsa", "bachata"] and "<script>" not in profile.bio
    created = AuditEntry.objects.get(action="artist.profile_create")
    assert created.actor == organizer
    response = client_a.post(
        f"/manage/artists/{profile.pk}/", {**FORM, "home_city": "Sevilla", "is_public": ""}
    )
    assert response.status_code == 302
    profile.refresh_from_db()
    assert (profile.home_city, profile.is_public) == ("Sevilla", False)
    updated = AuditEntry.objects.get(action="artist.profile_update")
    assert updated.actor == organizer and "home_city" in updated.data["changed"]


def test_bad_input_is_a_message_and_nothing_is_saved(client_a, organizer):
    response = client_a.post("/manage/artists/new/", {**FORM, "name": "  "})
    assert response.status_code in (400, 422)
    response = client_a.post("/manage/artists/new/", {**FORM, "fee_class": "-5"})
    assert response.status_code in (400, 422)
    assert not ArtistProfile.objects.exists()
    assert client_a.get("/manage/artists/999999/").status_code == 404


def test_members_and_organizers_cannot_create_or_edit_artists(in_a, client_a, community_a):
    login(client_a, community_a, UserFactory())
    assert client_a.post("/manage/artists/new/", FORM).status_code == 403
    login(client_a, community_a, organizer_create())
    assert "New artist" not in client_a.get("/manage/artists/").content.decode()
    assert client_a.post("/manage/artists/new/", FORM).status_code == 403
    assert not ArtistProfile.objects.exists()


def test_another_communitys_artist_is_not_reachable(client_a, organizer, client_b, community_b):
    from django_tenants.utils import schema_context

    with schema_context(community_b.schema_name):
        other = ArtistProfile.objects.create(name="Beta Teacher", slug="beta-teacher")
    response = client_a.post(f"/manage/artists/{other.pk}/", {**FORM, "name": "Taken"})
    assert response.status_code == 404 or not ArtistProfile.objects.filter(name="Taken").exists()
    with schema_context(community_b.schema_name):
        assert ArtistProfile.objects.get(pk=other.pk).name == "Beta Teacher"
