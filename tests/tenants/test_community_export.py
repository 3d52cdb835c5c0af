"""The owner's export of a whole community: data, pages and media, one ZIP, a
signed link for that owner on that community only."""

from __future__ import annotations

import io
import json
import os
import re
import time
import zipfile
from unittest import mock

import pytest
from django.core import mail, signing
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django_tenants.utils import schema_context

from core_apps.accounts.models import User
from core_apps.accounts.roles import Role
from core_apps.accounts.services import user_role_grant
from core_apps.privacy.models import AuditEntry
from tenants.lifecycle.services.export import community_export_build, private_storage
from tenants.lifecycle.tasks import community_exports_prune_task
from tests.conftest import PASSWORD, login

LINK_RE = re.compile(r"https?://[^/\s]+(/settings/data/export/[^/\s]+/)")


@pytest.fixture
def file_roots(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PISTA_PRIVATE_ROOT = tmp_path / "private"
    return tmp_path


def _member(email: str, name: str) -> User:
    user = User.objects.create_user(email=email, password=PASSWORD, display_name=name)
    user_role_grant(user=user, role=Role.MEMBER)
    return user


def _zip_of(response) -> zipfile.ZipFile:
    return zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))


def test_export_holds_the_communitys_data_pages_and_media_and_nothing_of_another(
    client_a, community_a, community_b, file_roots, django_capture_on_commit_callbacks
):
    with schema_context(community_b.schema_name):
        _member("member@beta.example", "Bea From Beta")
        default_storage.save("documents/beta-only.txt", ContentFile(b"beta file"))
    with schema_context(community_a.schema_name):
        _member("member@alpha.example", "Al From Alpha")
        default_storage.save("documents/alpha-doc.txt", ContentFile(b"alpha file"))
        default_storage.save("original_images/alpha-photo.png", ContentFile(b"not really a png"))

    login(client_a, community_a, email="owner@alpha.example")
    with django_capture_on_commit_callbacks(execute=True):
        response = client_a.post("/settings/data/export/")
    assert response.status_code == 303

    [message] = mail.outbox
    assert message.to == ["owner@alpha.example"]
    path = LINK_RE.search(message.body).group(1)
    response = client_a.get(path)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="alpha-')
    archive = _zip_of(response)
    names = set(archive.namelist())

    assert {"manifest.json", "pages.json", "data/accounts.user.json"} <= names
    assert {"data/events.event.json", "data/orders.invoice.json", "data/venues.venue.json"} <= names
    assert {"data/community.partnerpost.json", "data/artists.artistprofile.json"} <= names
    assert "media/documents/alpha-doc.txt" in names
    assert archive.read("media/documents/alpha-doc.txt") == b"alpha file"
    assert "media/original_images/alpha-photo.png" in names
    # No credentials: no sessions, no MFA secrets, no password hashes.
    assert "data/mfa.authenticator.json" not in names
    assert "data/sessions.session.json" not in names
    users = archive.read("data/accounts.user.json").decode()
    assert "member@alpha.example" in users and "Al From Alpha" in users
    assert '"password"' not in users
    # Pages with their StreamField content as JSON.
    pages = json.loads(archive.read("pages.json"))
    home = next(page for page in pages if page["type"] == "cms.homepage")
    assert isinstance(home["fields"]["sections"], list)

    everything = b"".join(archive.read(name) for name in names)
    assert b"beta.example" not in everything
    assert b"Bea From Beta" not in everything
    assert b"beta file" not in everything
    assert not any("beta-only" in name for name in names)

    with schema_context(community_a.schema_name):
        actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {
        "community.export_request",
        "community.export_ready",
        "community.export_download",
    } <= actions


@pytest.fixture
def export_link(community_a, file_roots) -> str:
    with schema_context(community_a.schema_name):
        owner = User.objects.get(email="owner@alpha.example")
        export = community_export_build(user_id=owner.pk)
    return f"/settings/data/export/{export.token}/"


def test_export_link_does_not_work_on_another_communitys_host(export_link, client_b, community_b):
    # B's owner may well have the same user id as A's: the link is A's alone.
    login(client_b, community_b, email="owner@beta.example")
    response = client_b.get(export_link)
    assert response.status_code == 404
    assert not hasattr(response, "streaming_content")


def test_export_link_does_not_work_for_another_user_of_the_community(
    export_link, client_a, community_a
):
    with schema_context(community_a.schema_name):
        admin = _member("admin@alpha.example", "Ad Min")
        user_role_grant(user=admin, role=Role.ADMIN)
    login(client_a, community_a, user=admin)
    assert client_a.get(export_link).status_code == 404


def test_export_link_needs_a_signed_in_user(export_link, client_a):
    response = client_a.get(export_link)
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_expired_export_link_is_refused(community_a, client_a, file_roots, settings):
    settings.PISTA_COMMUNITY_EXPORT_LINK_HOURS = 2
    three_hours_ago = signing.b62_encode(int(time.time()) - 3 * 3600)
    # The link is signed three hours before now.
    with (
        mock.patch.object(signing.TimestampSigner, "timestamp", return_value=three_hours_ago),
        schema_context(community_a.schema_name),
    ):
        owner = User.objects.get(email="owner@alpha.example")
        export = community_export_build(user_id=owner.pk)
    login(client_a, community_a, email="owner@alpha.example")
    response = client_a.get(f"/settings/data/export/{export.token}/")
    assert response.status_code == 410
    assert b"expired" in response.content


def test_a_tampered_export_link_is_refused(export_link, client_a, community_a):
    login(client_a, community_a, email="owner@alpha.example")
    assert client_a.get(export_link[:-3] + "xx/").status_code == 404


def test_only_the_owner_can_ask_for_an_export(client_a, community_a, file_roots):
    with schema_context(community_a.schema_name):
        admin = _member("admin2@alpha.example", "Ad Min")
        user_role_grant(user=admin, role=Role.ADMIN)
    login(client_a, community_a, user=admin)
    assert client_a.get("/settings/data/").status_code == 403
    assert client_a.post("/settings/data/export/").status_code == 403
    assert not mail.outbox


def test_exports_past_retention_are_deleted_and_only_the_communitys_own(
    community_a, community_b, file_roots, settings
):
    settings.PISTA_COMMUNITY_EXPORT_RETENTION_DAYS = 7
    old = time.time() - 8 * 86400
    names = {}
    for community in (community_a, community_b):
        with schema_context(community.schema_name):
            storage = private_storage()
            names[community.slug] = [
                storage.save("exports/community/old.zip", ContentFile(b"old")),
                storage.save("exports/community/new.zip", ContentFile(b"new")),
            ]
            os.utime(storage.path(names[community.slug][0]), (old, old))

    with schema_context(community_a.schema_name):
        assert community_exports_prune_task.delay().get() == 1
        assert not private_storage().exists(names["alpha"][0])
        assert private_storage().exists(names["alpha"][1])
    with schema_context(community_b.schema_name):
        assert all(private_storage().exists(name) for name in names["beta"])


def test_owner_finds_the_data_page_from_onboarding(client_a, community_a):
    login(client_a, community_a, email="owner@alpha.example")
    assert b'href="/settings/data/"' in client_a.get("/onboarding/").content
    page = client_a.get("/settings/data/")
    assert page.status_code == 200
    assert b'name="confirmation"' in page.content and b"/settings/data/export/" in page.content
