"""Account events land in the audit log of their own schema; owners read
their community's, operators the platform's."""

from __future__ import annotations

from allauth.mfa.models import Authenticator
from django.contrib.auth.models import Group, Permission
from django.test import TestCase
from django_tenants.utils import schema_context

from core_apps.accounts.models import User
from core_apps.accounts.roles import Role
from core_apps.accounts.services import user_role_grant
from core_apps.privacy.models import AuditEntry
from core_apps.privacy.services import audit_record
from tests.conftest import PASSWORD, login, totp_activate
from tests.factories import UserFactory


def actions(community, **filters) -> list[str]:
    with schema_context(community.schema_name):
        return list(
            AuditEntry.objects.filter(**filters).order_by("pk").values_list("action", flat=True)
        )


def test_sign_ins_failures_and_sign_outs_are_recorded(client_a, community_a, community_b):
    with schema_context(community_a.schema_name):
        member = UserFactory(email="member@example.org")
    client_a.post("/accounts/login/", {"login": "member@example.org", "password": "wrong-pass-1"})
    client_a.post("/accounts/login/", {"login": "nobody@example.org", "password": "wrong-pass-1"})
    client_a.post("/accounts/login/", {"login": "member@example.org", "password": PASSWORD})
    client_a.post("/accounts/logout/")
    assert actions(community_a, action__startswith="auth.") == [
        "auth.login_failed",
        "auth.login_failed",
        "auth.login",
        "auth.logout",
    ]
    with schema_context(community_a.schema_name):
        failed = AuditEntry.objects.filter(action="auth.login_failed").order_by("pk")
        assert failed[0].subject_id == member.pk
        assert failed[0].data == {"known_account": True}
        assert failed[0].ip_address == "127.0.0.1"
        # What a stranger typed is not kept.
        assert failed[1].subject_id is None
        assert "nobody" not in str(failed[1].data) + failed[1].target_label
        login_entry = AuditEntry.objects.get(action="auth.login")
        assert login_entry.actor_id == member.pk
    assert actions(community_b, action__startswith="auth.") == []


def test_two_factor_changes_are_recorded(client_a, community_a):
    with schema_context(community_a.schema_name):
        member = UserFactory(email="member@example.org")
    client_a.post("/accounts/login/", {"login": member.email, "password": PASSWORD})
    totp_activate(client_a)
    with schema_context(community_a.schema_name):
        totp = Authenticator.objects.get(user=member, type=Authenticator.Type.TOTP)
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client_a.post("/accounts/2fa/totp/deactivate/")
    assert response.status_code == 302, response.content.decode()[:2000]
    assert response["Location"] == "/accounts/2fa/", response["Location"]
    recorded = actions(community_a, action__startswith="mfa.")
    assert recorded[0] == "mfa.added"
    assert "mfa.removed" in recorded
    with schema_context(community_a.schema_name):
        removed = AuditEntry.objects.get(action="mfa.removed", data__type="totp")
        assert removed.data["type"] == "totp"
        assert removed.subject_id == member.pk
        added = AuditEntry.objects.get(action="mfa.added", data__type="totp")
        assert added.data == {"type": "totp", "authenticator": totp.pk}


def test_password_and_email_changes_are_recorded(client_a, community_a):
    with schema_context(community_a.schema_name):
        member = UserFactory(email="member@example.org")
    login(client_a, community_a, member)
    new_password = "another-long-password-99"
    client_a.post(
        "/accounts/password/change/",
        {"oldpassword": PASSWORD, "password1": new_password, "password2": new_password},
    )
    assert "auth.password_changed" in actions(community_a)

    with schema_context(community_a.schema_name):
        member.refresh_from_db()  # the session carries a hash of the new password
    login(client_a, community_a, member)
    reauth = client_a.post("/accounts/email/", {"action_add": "", "email": "second@example.org"})
    done = client_a.post(reauth["Location"], {"password": new_password})
    assert done.status_code == 302
    with schema_context(community_a.schema_name):
        added = AuditEntry.objects.get(action="auth.email_added")
        assert added.data == {"email": "second@example.org"}
        assert added.subject_id == member.pk


def test_role_and_permission_changes_are_recorded(in_a, community_a):
    user = UserFactory()
    user_role_grant(user=user, role=Role.ORGANIZER)
    entry = AuditEntry.objects.get(action="role.granted", subject=user)
    assert entry.data == {"roles": ["organizer"]}
    assert entry.subject_id == user.pk
    assert entry.target_id == str(user.pk)

    user.groups.remove(Group.objects.get(name="organizer"))
    assert AuditEntry.objects.get(action="role.revoked", subject=user).data == {
        "roles": ["organizer"]
    }

    user.user_permissions.add(Permission.objects.get(codename="add_checkin"))
    assert AuditEntry.objects.get(action="permission.granted").data == {
        "permissions": ["orders.add_checkin"]
    }
    Group.objects.get(name="moderator").user_set.add(user)
    assert AuditEntry.objects.filter(action="role.granted", subject=user).count() == 2


def test_owner_reads_the_audit_log_of_their_community_only(
    client_a, client_b, community_a, community_b
):
    with schema_context(community_a.schema_name):
        audit_record("order.refund", data={"note": "alpha-refund-42"})
    with schema_context(community_b.schema_name):
        audit_record("order.refund", data={"note": "beta-refund-77"})
    login(client_a, community_a, email="owner@alpha.example")
    page = client_a.get("/cms/audit-log/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "alpha-refund-42" in html
    assert "beta-refund-77" not in html
    filtered = client_a.get("/cms/audit-log/", {"action": "role."}).content.decode()
    assert "alpha-refund-42" not in filtered
    assert "role.granted" in filtered  # the owner role, granted at provisioning
    # A's owner session means nothing on B's host.
    client_b.cookies = client_a.cookies
    assert client_b.get("/cms/audit-log/").status_code == 302


def test_audit_log_is_for_owners_not_other_staff(client_a, community_a):
    with schema_context(community_a.schema_name):
        organizer = UserFactory()
        user_role_grant(user=organizer, role=Role.ORGANIZER)
    login(client_a, community_a, organizer)
    assert client_a.get("/cms/").status_code == 200
    assert client_a.get("/cms/audit-log/").status_code in (302, 403)
    assert b"audit-log" not in client_a.get("/cms/").content


def test_operators_read_the_platform_audit_log_in_django_admin(platform_client, community_a):
    audit_record("community.suspend", data={"note": "platform-entry-1"})
    with schema_context(community_a.schema_name):
        audit_record("order.refund", data={"note": "alpha-refund-42"})
    operator = User.objects.create_superuser(email="operator@pista.example", password=PASSWORD)
    platform_client.force_login(operator)
    page = platform_client.get("/admin/privacy/auditentry/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "community.suspend" in html
    assert "order.refund" not in html
    entry = AuditEntry.objects.get(action="community.suspend")
    assert platform_client.post(f"/admin/privacy/auditentry/{entry.pk}/delete/").status_code == 403
