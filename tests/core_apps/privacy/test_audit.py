"""The audit log records who did what, from where, in the current schema only."""

from __future__ import annotations

from django.test import RequestFactory
from django_tenants.utils import schema_context

from core_apps.accounts.models import User
from core_apps.privacy.models import AuditEntry
from core_apps.privacy.selectors import audit_entries_about
from core_apps.privacy.services import audit_record


def test_entry_names_actor_target_and_address_from_the_request(in_a, settings):
    settings.PISTA_TRUSTED_PROXY_COUNT = 1
    owner = User.objects.get(email="owner@alpha.example")
    member = User.objects.create_user(email="member@alpha.example", password=None)
    request = RequestFactory().post(
        "/", HTTP_X_FORWARDED_FOR="203.0.113.9, 198.51.100.7", HTTP_USER_AGENT="Firefox"
    )
    request.user = owner

    entry = audit_record(
        "role.grant", target=member, subject=member, request=request, data={"role": "staff"}
    )

    entry.refresh_from_db()
    assert (entry.actor, entry.actor_label, entry.subject) == (owner, owner.email, member)
    assert (entry.target_type, entry.target_id) == ("accounts.user", str(member.pk))
    assert entry.ip_address == "198.51.100.7"  # the trusted hop, not the client's claim
    assert entry.user_agent == "Firefox"
    assert entry.data == {"role": "staff"}
    assert list(audit_entries_about(user=member)) == [entry]
    # (The owner also has the entries of their own sign-up, e.g. the owner role granted.)
    assert list(audit_entries_about(user=owner).filter(action="role.grant")) == [entry]


def test_garbage_forwarded_address_is_dropped_not_an_error(in_a, settings):
    settings.PISTA_TRUSTED_PROXY_COUNT = 1
    request = RequestFactory().get("/", HTTP_X_FORWARDED_FOR="not-an-ip")

    entry = audit_record("auth.login_failed", request=request, data={"email": "x@example.com"})

    assert entry.actor is None and entry.ip_address is None


def test_entries_stay_in_their_community(community_a, community_b):
    with schema_context(community_a.schema_name):
        audit_record("export.members", data={"rows": 3})
    with schema_context(community_b.schema_name):
        assert not AuditEntry.objects.filter(action="export.members").exists()
    with schema_context("public"):
        assert not AuditEntry.objects.filter(action="export.members").exists()
        audit_record("community.suspend", data={"slug": community_a.slug})
    with schema_context(community_a.schema_name):
        assert not AuditEntry.objects.filter(action="community.suspend").exists()
