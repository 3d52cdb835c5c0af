"""Deleting a whole community: the owner's request, the grace period, the
cancel link, and the deletion for good by an operator or the beat job.

Throwaway communities are provisioned inside the test's transaction (like
test_spares), so everything, the dropped schema included, rolls back; alpha
and beta are never the ones deleted.
"""

from __future__ import annotations

import os
import re
from datetime import timedelta

import pytest
from django.core import mail
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django.test import Client
from django.utils import timezone
from django_tenants.utils import schema_context

from core_apps.accounts.models import User
from core_apps.accounts.roles import Role
from core_apps.accounts.services import user_role_grant
from core_apps.privacy.models import AuditEntry
from tenants.lifecycle.services.deletion import (
    DeletionNotDue,
    DeletionNotPending,
    ProtectedSchema,
    communities_purge_due,
    community_purge,
    tenant_cache_purge,
)
from tenants.lifecycle.services.export import private_storage
from tenants.lifecycle.tasks import communities_purge_due_task
from tenants.models import Community, Domain
from tenants.provisioning.services import community_create
from tests.conftest import PASSWORD, login

CANCEL_RE = re.compile(r"https?://[^/\s]+(/settings/data/delete/cancel/[^/\s]+/)")


def schema_listed(schema: str) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM information_schema.schemata WHERE schema_name = %s", [schema])
        return cursor.fetchone() is not None


@pytest.fixture
def file_roots(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PISTA_PRIVATE_ROOT = tmp_path / "private"
    return tmp_path


@pytest.fixture
def doomed(db, file_roots) -> Community:
    """A throwaway community, rolled back with the test."""
    provisioned = community_create(
        slug="doomed-club",
        name="Doomed Club",
        owner_email="owner@doomed.example",
        owner_password=PASSWORD,
    )
    connection.set_schema_to_public()
    return provisioned.community


@pytest.fixture
def doomed_client(doomed) -> Client:
    return Client(HTTP_HOST=doomed.domains.get(is_primary=True).domain)


@pytest.fixture
def request_deletion(django_capture_on_commit_callbacks):
    def request(client: Client, community: Community):
        login(client, community, email="owner@doomed.example")
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(
                "/settings/data/delete/", {"confirmation": "doomed-club", "password": PASSWORD}
            )

    return request


def test_owner_request_closes_the_community_for_the_grace_period(
    doomed, doomed_client, settings, request_deletion
):
    settings.PISTA_COMMUNITY_DELETION_GRACE_DAYS = 14
    response = request_deletion(doomed_client, doomed)
    assert response.status_code == 200
    assert b"Deletion scheduled" in response.content

    doomed.refresh_from_db()
    assert doomed.status == Community.Status.DELETION_PENDING
    assert doomed.deletion_requested_by == "owner@doomed.example"
    grace = doomed.deletion_due_at - doomed.deletion_requested_at
    assert grace == timedelta(days=14)
    # Closed to everyone, with a notice.
    home = doomed_client.get("/")
    assert home.status_code == 503
    assert b"scheduled for deletion" in home.content
    [message] = mail.outbox
    assert message.to == ["owner@doomed.example"]
    assert CANCEL_RE.search(message.body)
    # Audited in the community and for the operators.
    with schema_context(doomed.schema_name):
        assert AuditEntry.objects.filter(action="community.deletion_request").exists()
    connection.set_schema_to_public()
    public_entry = AuditEntry.objects.get(action="community.deletion_request")
    assert public_entry.actor is None
    assert public_entry.data["requested_by"] == "owner@doomed.example"
    # Not yet deletable.
    with pytest.raises(DeletionNotDue):
        community_purge(community=doomed)
    assert schema_listed(doomed.schema_name)


@pytest.mark.parametrize(
    ("confirmation", "password"),
    [("doomed", PASSWORD), ("alpha", PASSWORD), ("doomed-club", "wrong-password-123")],
)
def test_wrong_slug_or_password_changes_nothing(doomed, doomed_client, confirmation, password):
    login(doomed_client, doomed, email="owner@doomed.example")
    response = doomed_client.post(
        "/settings/data/delete/", {"confirmation": confirmation, "password": password}
    )
    assert response.status_code == 400
    doomed.refresh_from_db()
    assert doomed.status == Community.Status.ACTIVE
    assert doomed_client.get("/settings/data/").status_code == 200


def test_a_non_owner_cannot_request_deletion(doomed, doomed_client):
    with schema_context(doomed.schema_name):
        admin = User.objects.create_user(email="admin@doomed.example", password=PASSWORD)
        user_role_grant(user=admin, role=Role.ADMIN)
    login(doomed_client, doomed, user=admin)
    response = doomed_client.post(
        "/settings/data/delete/", {"confirmation": "doomed-club", "password": PASSWORD}
    )
    assert response.status_code == 403
    doomed.refresh_from_db()
    assert doomed.status == Community.Status.ACTIVE


def test_owner_of_another_community_cannot_request_deletion_of_this_one(
    doomed, client_a, community_a
):
    # A's owner, signed in on A, can only ever act on A: the request is A's.
    login(client_a, community_a, email="owner@alpha.example")
    response = client_a.post(
        "/settings/data/delete/", {"confirmation": "doomed-club", "password": PASSWORD}
    )
    assert response.status_code == 400
    doomed.refresh_from_db()
    community_a.refresh_from_db()
    assert doomed.status == community_a.status == Community.Status.ACTIVE


def test_cancel_within_the_grace_period_restores_the_community(
    doomed, doomed_client, client_b, request_deletion
):
    request_deletion(doomed_client, doomed)
    cancel_path = CANCEL_RE.search(mail.outbox[0].body).group(1)
    # The link is this community's: on B's host it is nobody's.
    assert client_b.get(cancel_path).status_code == 404
    assert client_b.post(cancel_path, {"password": PASSWORD}).status_code == 404

    anonymous = Client(HTTP_HOST=doomed_client.defaults["HTTP_HOST"])
    assert anonymous.get(cancel_path).status_code == 200
    assert anonymous.post(cancel_path, {"password": "wrong-password-123"}).status_code == 400
    doomed.refresh_from_db()
    assert doomed.status == Community.Status.DELETION_PENDING

    response = anonymous.post(cancel_path, {"password": PASSWORD})
    assert response.status_code == 302
    doomed.refresh_from_db()
    assert doomed.status == Community.Status.ACTIVE
    assert doomed.deletion_due_at is None
    assert anonymous.get("/").status_code == 200
    assert anonymous.get(cancel_path).status_code == 404  # nothing left to cancel
    with schema_context(doomed.schema_name):
        assert AuditEntry.objects.filter(action="community.deletion_cancel").exists()
    connection.set_schema_to_public()
    assert AuditEntry.objects.get(action="community.deletion_cancel").data["cancelled_by"] == (
        "owner@doomed.example"
    )
    with pytest.raises(DeletionNotPending):
        community_purge(community=doomed, now=timezone.now() + timedelta(days=365))


def test_deletion_for_good_removes_schema_files_cache_keys_and_domains_and_leaves_b(
    doomed, doomed_client, community_b, django_capture_on_commit_callbacks, request_deletion
):
    schema = doomed.schema_name
    hosts = list(doomed.domains.values_list("domain", flat=True))
    for community, name in ((doomed, "doomed"), (community_b, "beta")):
        with schema_context(community.schema_name):
            default_storage.save(f"documents/{name}.txt", ContentFile(name.encode()))
            cache.set("deletion-probe", name)
    with schema_context(schema):
        doomed_media = default_storage.path("")
        private_storage().save("exports/community/old.zip", ContentFile(b"zip"))
        doomed_private = private_storage().path("")
    request_deletion(doomed_client, doomed)
    doomed.refresh_from_db()

    with django_capture_on_commit_callbacks(execute=True):
        report = community_purge(community=doomed, now=doomed.deletion_due_at + timedelta(1))

    assert not schema_listed(schema)
    assert not Community.objects.filter(slug="doomed-club").exists()
    assert not Domain.objects.filter(domain__in=hosts).exists()
    assert report.files_removed == {"default": 1, "private": 1}
    assert not os.path.exists(doomed_media)
    assert not os.path.exists(doomed_private)
    with schema_context(schema):
        assert cache.get("deletion-probe") is None
    assert Client(HTTP_HOST=hosts[0]).get("/").status_code == 404
    entry = AuditEntry.objects.get(action="community.purge")
    assert entry.data["schema"] == schema
    # B is untouched.
    assert schema_listed(community_b.schema_name)
    with schema_context(community_b.schema_name):
        assert default_storage.exists("documents/beta.txt")
        assert cache.get("deletion-probe") == "beta"
        assert User.objects.filter(email="owner@beta.example").exists()
    assert Community.objects.filter(slug__in=["alpha", "beta"]).count() == 2
    # The slug is free again, and a new community of that name inherits nothing.
    reborn = community_create(
        slug="doomed-club", name="Reborn", owner_email="new@doomed.example", owner_password=PASSWORD
    ).community
    with schema_context(reborn.schema_name):
        assert not default_storage.exists("documents/doomed.txt")
        assert cache.get("deletion-probe") is None
        assert not User.objects.filter(email="owner@doomed.example").exists()


def test_beat_job_deletes_only_communities_whose_grace_period_is_over(
    doomed, doomed_client, django_capture_on_commit_callbacks, request_deletion
):
    request_deletion(doomed_client, doomed)
    assert communities_purge_due() == []
    assert schema_listed(doomed.schema_name)

    Community.objects.filter(pk=doomed.pk).update(
        deletion_due_at=timezone.now() - timedelta(minutes=1)
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert communities_purge_due_task.delay().get() == ["doomed_club"]
    assert not schema_listed("doomed_club")
    assert schema_listed("alpha") and schema_listed("beta")


def test_operator_deletes_in_the_admin_after_the_grace_period_and_is_audited(
    doomed, doomed_client, platform_client, django_capture_on_commit_callbacks, request_deletion
):
    operator = User.objects.create_superuser(email="operator@pista.example", password=PASSWORD)
    platform_client.force_login(operator)
    changelist = "/admin/tenants/community/"

    # Before the grace period is over the action refuses.
    request_deletion(doomed_client, doomed)
    platform_client.post(
        changelist, {"action": "purge_selected", "_selected_action": [doomed.pk]}, follow=True
    )
    assert schema_listed(doomed.schema_name)

    Community.objects.filter(pk=doomed.pk).update(
        deletion_due_at=timezone.now() - timedelta(minutes=1)
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = platform_client.post(
            changelist, {"action": "purge_selected", "_selected_action": [doomed.pk]}, follow=True
        )
    assert response.status_code == 200
    assert b"deleted for good" in response.content
    assert not schema_listed("doomed_club")
    entry = AuditEntry.objects.get(action="community.purge")
    assert entry.actor == operator
    # Django's own bulk delete (row only, schema left behind) is not offered.
    page = platform_client.get(changelist)
    assert b'value="delete_selected"' not in page.content


def test_operator_can_cancel_a_scheduled_deletion_in_the_admin(
    doomed, doomed_client, platform_client, request_deletion
):
    operator = User.objects.create_superuser(email="operator@pista.example", password=PASSWORD)
    platform_client.force_login(operator)
    request_deletion(doomed_client, doomed)
    platform_client.post(
        "/admin/tenants/community/",
        {"action": "cancel_deletion_selected", "_selected_action": [doomed.pk]},
    )
    doomed.refresh_from_db()
    assert doomed.status == Community.Status.ACTIVE
    assert AuditEntry.objects.get(action="community.deletion_cancel").actor == operator


def test_platform_and_template_schemas_are_never_deleted(db):
    public = Community.objects.get(schema_name="public")
    with pytest.raises(ProtectedSchema):
        community_purge(community=public)
    assert schema_listed("public") and schema_listed("pista_template")


def test_cache_purge_without_redis_removes_only_that_schemas_keys(settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "purge-test",
            "KEY_FUNCTION": "django_tenants.cache.make_key",
        }
    }
    for schema in ("gone", "gone_too", "kept"):
        with schema_context(schema):
            cache.set("probe", schema)
    assert tenant_cache_purge(schema="gone") == 1
    with schema_context("gone"):
        assert cache.get("probe") is None
    for schema in ("gone_too", "kept"):
        with schema_context(schema):
            assert cache.get("probe") == schema
