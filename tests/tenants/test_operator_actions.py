"""Operator actions on communities: suspend, reinstate, schedule deletion —
through the lifecycle services (audited in the platform's audit log, cached
routes forgotten at once), from the Django admin on the platform host too."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.core.cache import cache
from django.urls import reverse
from django_tenants.utils import get_public_schema_name, schema_context

from core_apps.accounts.models import User
from core_apps.privacy.models import AuditEntry
from tenants.lifecycle.services.deletion import community_deletion_schedule
from tenants.lifecycle.services.suspension import (
    CommunityBeingDeleted,
    ReasonRequired,
    community_reinstate,
    community_suspend,
)
from tenants.models import Community
from tenants.routing.services import domain_cache_key
from tests.factories import PASSWORD


@pytest.fixture
def operator(db) -> User:
    return User.objects.create_superuser(email="operator@pista.example", password=PASSWORD)


def _public_entries(action: str):
    with schema_context(get_public_schema_name()):
        return list(AuditEntry.objects.filter(action=action))


def test_suspension_applies_on_the_next_request_despite_the_cached_route(
    client_a, community_a, operator
):
    assert client_a.get("/").status_code == 200
    with schema_context(get_public_schema_name()):
        assert cache.get(domain_cache_key("alpha.localhost")) is not None

    community_suspend(community=community_a, operator=operator, reason="Unpaid invoices")
    assert client_a.get("/").status_code == 503

    community_reinstate(community=community_a, operator=operator, reason="Paid")
    assert client_a.get("/").status_code == 200

    suspended, reinstated = (
        _public_entries("community.suspend"),
        _public_entries("community.reinstate"),
    )
    assert len(suspended) == 1 and len(reinstated) == 1
    assert suspended[0].actor_id == operator.pk
    assert suspended[0].target_id == str(community_a.pk)
    assert suspended[0].data["reason"] == "Unpaid invoices"
    assert reinstated[0].data["reason"] == "Paid"


def test_operator_actions_need_a_reason_and_a_fitting_status(community_a, operator):
    with pytest.raises(ReasonRequired):
        community_suspend(community=community_a, operator=operator, reason="   ")
    with pytest.raises(Exception, match="not suspended"):
        community_reinstate(community=community_a, operator=operator, reason="why not")
    community_a.refresh_from_db()
    assert community_a.status == Community.Status.ACTIVE
    assert _public_entries("community.suspend") == []


def test_acting_on_a_community_being_deleted_says_so(client_a, community_a, operator, settings):
    settings.PISTA_COMMUNITY_DELETION_GRACE_DAYS = 30
    assert client_a.get("/").status_code == 200
    community_deletion_schedule(community=community_a, operator=operator, reason="Owner asked")
    community_a.refresh_from_db()
    assert community_a.status == Community.Status.DELETION_PENDING
    assert community_a.deletion_due_at is not None
    assert client_a.get("/").status_code == 503
    (entry,) = _public_entries("community.deletion_schedule")
    assert entry.actor_id == operator.pk and entry.data["reason"] == "Owner asked"

    with pytest.raises(CommunityBeingDeleted, match="already being deleted"):
        community_deletion_schedule(community=community_a, operator=operator, reason="again")
    with pytest.raises(CommunityBeingDeleted, match="being deleted"):
        community_suspend(community=community_a, operator=operator, reason="x")
    with pytest.raises(CommunityBeingDeleted, match="cancel the deletion"):
        community_reinstate(community=community_a, operator=operator, reason="x")


def test_admin_cannot_add_communities_nor_edit_their_status(platform_client, community_a, operator):
    platform_client.force_login(operator)
    assert platform_client.get("/admin/tenants/community/add/").status_code == 403
    change = f"/admin/tenants/community/{community_a.pk}/change/"
    page = platform_client.get(change)
    assert page.status_code == 200
    for field in (b'name="status"', b'name="slug"', b'name="name"', b'name="domains-0-domain"'):
        assert field not in page.content, field
    assert platform_client.post(change, {"name": "Renamed"}).status_code == 403
    community_a.refresh_from_db()
    assert community_a.name != "Renamed"


def test_admin_actions_go_through_the_audited_services(
    platform_client, client_a, community_a, operator
):
    platform_client.force_login(operator)
    assert client_a.get("/").status_code == 200
    response = platform_client.post(
        "/admin/tenants/community/",
        {"action": "suspend_selected", "_selected_action": [community_a.pk]},
        follow=True,
    )
    assert b"suspended." in response.content
    assert client_a.get("/").status_code == 503
    assert _public_entries("community.suspend")[0].actor_id == operator.pk

    platform_client.post(
        "/admin/tenants/community/",
        {"action": "reinstate_selected", "_selected_action": [community_a.pk]},
    )
    assert client_a.get("/").status_code == 200

    platform_client.post(
        "/admin/tenants/community/",
        {"action": "schedule_deletion_selected", "_selected_action": [community_a.pk]},
    )
    community_a.refresh_from_db()
    assert community_a.status == Community.Status.DELETION_PENDING
    response = platform_client.post(
        "/admin/tenants/community/",
        {"action": "suspend_selected", "_selected_action": [community_a.pk]},
        follow=True,
    )
    assert b"being deleted" in response.content


def test_every_platform_admin_changelist_answers(platform_client, operator):
    platform_client.force_login(operator)
    labels = sorted(model._meta.label_lower for model in admin.site._registry)
    assert "wagtaildocs.document" not in labels
    assert "wagtailimages.image" not in labels
    assert "taggit.tag" not in labels
    for model in admin.site._registry:
        url = reverse(
            f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist",
            urlconf="pista.urls_public",
        )
        response = platform_client.get(url)
        assert response.status_code == 200, (url, response.status_code)
