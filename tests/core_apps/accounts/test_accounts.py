from __future__ import annotations

import re

from django.core import mail
from django_tenants.utils import schema_context

from core_apps.accounts.models import User
from core_apps.accounts.roles import Role
from core_apps.accounts.services import user_role_grant, user_roles
from tests.conftest import PASSWORD, login
from tests.factories import UserFactory


def link_in(message) -> str:
    match = re.search(r"https?://[^/\s]+(/\S+)", message.body)
    assert match, message.body
    return match.group(1)


def test_sign_up_verify_email_and_log_in_within_one_community(client_a, community_a, community_b):
    response = client_a.post(
        "/accounts/signup/",
        {"email": "New.Dancer@Example.org", "password1": PASSWORD, "password2": PASSWORD},
    )
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["new.dancer@example.org"]
    with schema_context(community_a.schema_name):
        user = User.objects.get(email="new.dancer@example.org")
        assert user.emailaddress_set.get().verified is False
    with schema_context(community_b.schema_name):
        assert not User.objects.filter(email="new.dancer@example.org").exists()

    confirm_path = link_in(mail.outbox[0])
    assert client_a.post(confirm_path).status_code == 302
    with schema_context(community_a.schema_name):
        assert user.emailaddress_set.get().verified is True

    client_a.logout()
    response = client_a.post(
        "/accounts/login/", {"login": "new.dancer@example.org", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert "_auth_user_id" in client_a.session


def test_unverified_user_cannot_log_in(client_a, community_a):
    with schema_context(community_a.schema_name):
        UserFactory(email="unverified@example.org", verified=False)
    response = client_a.post(
        "/accounts/login/", {"login": "unverified@example.org", "password": PASSWORD}
    )
    assert "_auth_user_id" not in client_a.session
    assert response.status_code == 302
    assert "confirm-email" in response["Location"]


def test_short_or_common_passwords_are_refused(client_a):
    for password in ["short1", "password123"]:
        response = client_a.post(
            "/accounts/signup/",
            {"email": "weak@example.org", "password1": password, "password2": password},
        )
        assert response.status_code == 200
        assert response.context["form"].errors["password1"]


def test_password_reset_by_email_sets_a_new_password(client_a, community_a):
    with schema_context(community_a.schema_name):
        UserFactory(email="forgetful@example.org")
    client_a.post("/accounts/password/reset/", {"email": "forgetful@example.org"})
    assert len(mail.outbox) == 1
    reset_path = link_in(mail.outbox[0])
    form_page = client_a.get(reset_path, follow=True)
    assert form_page.status_code == 200
    new_password = "a-brand-new-long-password-7"
    response = client_a.post(
        form_page.redirect_chain[-1][0] if form_page.redirect_chain else reset_path,
        {"password1": new_password, "password2": new_password},
    )
    assert response.status_code == 302
    with schema_context(community_a.schema_name):
        assert User.objects.get(email="forgetful@example.org").check_password(new_password)


def test_owner_created_without_password_gets_an_invitation(in_a, community_a):
    from core_apps.accounts.services import owner_create

    owner = owner_create(email="Invited@Example.org", password=None, community=community_a)
    assert owner.has_usable_password() is False
    assert user_roles(user=owner) == {Role.OWNER, Role.MEMBER}
    assert owner.email == "invited@example.org"
    assert owner.is_staff


def test_owner_invitation_email_links_to_the_community_host(
    in_a, community_a, django_capture_on_commit_callbacks
):
    from core_apps.accounts.services import owner_create

    with django_capture_on_commit_callbacks(execute=True):
        owner_create(email="invited@example.org", password=None, community=community_a)
    assert len(mail.outbox) == 1
    assert "http://alpha.localhost:8000/accounts/password/reset/key/" in mail.outbox[0].body


def test_staff_roles_open_the_cms_and_member_role_does_not(client_a, community_a):
    with schema_context(community_a.schema_name):
        organizer = UserFactory()
        user_role_grant(user=organizer, role=Role.ORGANIZER)
        member = UserFactory()
        user_role_grant(user=member, role=Role.MEMBER)
    login(client_a, community_a, organizer)
    assert client_a.get("/cms/").status_code == 200
    client_a.logout()
    login(client_a, community_a, member)
    response = client_a.get("/cms/")
    # A clear refusal, not a redirect to the sign-in page (a loop when signed in).
    assert response.status_code == 403


def test_owner_can_use_the_cms_on_own_host_only(client_a, client_b, community_a, community_b):
    login(client_a, community_a, email="owner@alpha.example")
    assert client_a.get("/cms/").status_code == 200
    assert client_a.get("/cms/pages/").status_code == 200
    # Same credentials on B's host belong to nobody there.
    response = client_b.post(
        "/accounts/login/", {"login": "owner@alpha.example", "password": PASSWORD}
    )
    assert "_auth_user_id" not in client_b.session
    assert response.status_code == 200


def test_platform_operators_use_django_admin_on_the_platform_host(platform_client, db):
    operator = User.objects.create_superuser(email="operator@pista.example", password=PASSWORD)
    platform_client.force_login(operator)
    response = platform_client.get("/admin/tenants/community/")
    assert response.status_code == 200
    assert b"Alpha Salsa" in response.content
