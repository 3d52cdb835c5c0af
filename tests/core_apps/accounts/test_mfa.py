"""Two-factor authentication: required for staff, optional for members, never
skipped by a password reset or another sign-in form."""

from __future__ import annotations

import re

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.core import mail
from django_tenants.utils import schema_context

from core_apps.accounts.models import User
from core_apps.accounts.roles import Role
from core_apps.accounts.services import user_role_grant
from tests.conftest import PASSWORD, login, totp_activate, totp_code
from tests.factories import UserFactory

SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def with_totp(user: User, secret: str = SECRET) -> Authenticator:
    return Authenticator.objects.create(
        user=user, type=Authenticator.Type.TOTP, data={"secret": secret}
    )


def password_login(client, email: str, password: str = PASSWORD):
    return client.post("/accounts/login/", {"login": email, "password": password})


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


@pytest.fixture
def organizer_a(community_a) -> User:
    with schema_context(community_a.schema_name):
        user = UserFactory(email="organizer@example.org")
        user_role_grant(user=user, role=Role.ORGANIZER)
    return user


def test_staff_without_an_authenticator_is_sent_to_set_one_up_before_any_staff_page(
    client_a, organizer_a
):
    response = password_login(client_a, "organizer@example.org")
    assert response.status_code == 302
    assert signed_in(client_a)  # the password was right…
    for path in [
        "/cms/",
        "/cms/pages/",
        "/manage/",
        "/manage/orders/",
        "/orders/checkin/",
        "/onboarding/",
    ]:
        refused = client_a.get(path)
        assert refused.status_code == 302, path
        assert refused["Location"].startswith("/accounts/2fa/?next="), path
    api = client_a.get("/api/v1/events/")
    assert api.status_code == 403
    assert api.json()["code"] == "mfa_required"
    # …and the set-up pages stay open.
    assert client_a.get("/accounts/2fa/").status_code == 200


def test_staff_set_up_an_authenticator_and_then_reach_the_cms(client_a, organizer_a):
    password_login(client_a, "organizer@example.org")
    totp_activate(client_a)
    assert client_a.get("/cms/").status_code == 200


def test_platform_operator_without_two_factor_cannot_reach_django_admin(platform_client, db):
    operator = User.objects.create_superuser(email="operator@pista.example", password=PASSWORD)
    EmailAddress.objects.create(user=operator, email=operator.email, verified=True, primary=True)
    # Django's own admin form is not a way around allauth's.
    assert platform_client.get("/admin/login/?next=/admin/")["Location"] == (
        "/accounts/login/?next=%2Fadmin%2F"
    )
    assert password_login(platform_client, operator.email).status_code == 302
    assert signed_in(platform_client)
    for path in ["/admin/", "/admin/tenants/community/", "/admin/privacy/auditentry/"]:
        refused = platform_client.get(path)
        assert refused.status_code == 302, path
        assert refused["Location"].startswith("/accounts/2fa/"), path


def test_operator_with_an_authenticator_enters_the_code_then_uses_django_admin(platform_client, db):
    operator = User.objects.create_superuser(email="operator@pista.example", password=PASSWORD)
    EmailAddress.objects.create(user=operator, email=operator.email, verified=True, primary=True)
    with_totp(operator)
    response = password_login(platform_client, operator.email)
    assert response["Location"] == "/accounts/2fa/authenticate/"
    assert not signed_in(platform_client)
    done = platform_client.post("/accounts/2fa/authenticate/", {"code": totp_code(SECRET)})
    assert done.status_code == 302
    assert platform_client.get("/admin/tenants/community/").status_code == 200


def test_wagtail_sign_in_form_is_not_a_way_around_two_factor(client_a):
    response = client_a.get("/cms/login/?next=/cms/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=%2Fcms%2F"


def test_a_totp_code_is_not_accepted_twice(client_a, community_a, settings):
    with schema_context(community_a.schema_name):
        owner = User.objects.get(email="owner@alpha.example")
        with_totp(owner)
    code = totp_code(SECRET)

    assert password_login(client_a, owner.email)["Location"] == "/accounts/2fa/authenticate/"
    assert client_a.post("/accounts/2fa/authenticate/", {"code": code}).status_code == 302
    assert signed_in(client_a)
    assert client_a.get("/cms/").status_code == 200

    # Someone who saw the password and the code tries them right away elsewhere.
    from django.test import Client

    replay = Client(HTTP_HOST=client_a.defaults["HTTP_HOST"])
    assert password_login(replay, owner.email)["Location"] == "/accounts/2fa/authenticate/"
    refused = replay.post("/accounts/2fa/authenticate/", {"code": code})
    assert refused.status_code == 200
    assert refused.context["form"].errors
    assert not signed_in(replay)


def test_a_wrong_code_does_not_sign_in(client_a, community_a):
    with schema_context(community_a.schema_name):
        with_totp(User.objects.get(email="owner@alpha.example"))
    password_login(client_a, "owner@alpha.example")
    wrong = str((int(totp_code(SECRET)) + 1) % 1_000_000).zfill(6)
    assert client_a.post("/accounts/2fa/authenticate/", {"code": wrong}).status_code == 200
    assert not signed_in(client_a)


def test_a_staff_session_that_skipped_the_code_must_re_authenticate(client_a, community_a):
    with schema_context(community_a.schema_name):
        owner = User.objects.get(email="owner@alpha.example")
        with_totp(owner)
    login(client_a, community_a, owner, mfa=False)
    response = client_a.get("/cms/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/2fa/reauthenticate/?next=")


def test_members_may_opt_in_and_are_then_asked_for_the_code(client_a, community_a):
    with schema_context(community_a.schema_name):
        UserFactory(email="member@example.org")
    password_login(client_a, "member@example.org")
    # Not required: members use the site without a second factor.
    assert client_a.get("/events/").status_code == 200
    assert client_a.get("/accounts/email/").status_code == 200
    secret = totp_activate(client_a)
    client_a.post("/accounts/logout/")
    assert not signed_in(client_a)
    assert password_login(client_a, "member@example.org")["Location"] == (
        "/accounts/2fa/authenticate/"
    )
    assert not signed_in(client_a)
    assert secret


def test_password_reset_does_not_sign_in_nor_skip_the_code(client_a, community_a):
    with schema_context(community_a.schema_name):
        owner = User.objects.get(email="owner@alpha.example")
        with_totp(owner)
    client_a.post("/accounts/password/reset/", {"email": owner.email})
    reset_path = re.search(r"https?://[^/\s]+(/\S+)", mail.outbox[-1].body).group(1)
    form_page = client_a.get(reset_path, follow=True)
    new_password = "a-brand-new-long-password-7"
    done = client_a.post(
        form_page.redirect_chain[-1][0], {"password1": new_password, "password2": new_password}
    )
    assert done.status_code == 302
    assert not signed_in(client_a)
    with schema_context(community_a.schema_name):
        owner.refresh_from_db()
        assert owner.check_password(new_password)
    assert password_login(client_a, owner.email, new_password)["Location"] == (
        "/accounts/2fa/authenticate/"
    )
    assert not signed_in(client_a)


def test_staff_cannot_remove_their_only_authenticator(client_a, community_a):
    from core_apps.accounts.adapter import MFAAdapter

    with schema_context(community_a.schema_name):
        owner = User.objects.get(email="owner@alpha.example")
        totp = with_totp(owner)
        member = UserFactory()
        member_totp = with_totp(member)
        adapter = MFAAdapter()
        assert adapter.can_delete_authenticator(totp) is False
        assert adapter.can_delete_authenticator(member_totp) is True
        Authenticator.objects.create(user=owner, type=Authenticator.Type.WEBAUTHN, data={})
        assert adapter.can_delete_authenticator(totp) is True


def test_authenticators_belong_to_one_community(client_a, client_b, community_a, community_b):
    """The same person in two communities is two accounts with their own factors."""
    for community in (community_a, community_b):
        with schema_context(community.schema_name):
            UserFactory(email="both@example.org")
    password_login(client_a, "both@example.org")
    totp_activate(client_a)
    with schema_context(community_b.schema_name):
        assert not Authenticator.objects.filter(user__email="both@example.org").exists()
    response = password_login(client_b, "both@example.org")
    assert response.status_code == 302
    assert response["Location"] != "/accounts/2fa/authenticate/"
    assert signed_in(client_b)


def test_demo_owner_gets_the_published_authenticator_secret(in_a, community_a):
    from allauth.mfa.totp.internal.auth import TOTP

    from core_apps.accounts.demo import DEMO_TOTP_SECRET, accounts_demo_seed, demo_totp_code

    accounts_demo_seed(community_a)  # the demo owner's address: owner@<slug>.example
    accounts_demo_seed(community_a)  # idempotent
    owner = User.objects.get(email="owner@alpha.example")
    totp = Authenticator.objects.get(user=owner, type=Authenticator.Type.TOTP)
    assert totp.data["secret"] == DEMO_TOTP_SECRET
    assert TOTP(totp).validate_code(demo_totp_code())


def test_two_factor_and_session_pages_keep_the_content_security_policy(client_a, community_a):
    """Passkey and QR pages run no inline script without the request's nonce."""
    with schema_context(community_a.schema_name):
        UserFactory(email="member@example.org")
    pages = [client_a.get("/accounts/login/")]
    password_login(client_a, "member@example.org")
    reauth = client_a.get("/accounts/2fa/totp/activate/")
    client_a.post(reauth["Location"], {"password": PASSWORD})
    for path in [
        "/accounts/2fa/",
        "/accounts/2fa/totp/activate/",
        "/accounts/2fa/webauthn/add/",
        "/accounts/sessions/",
    ]:
        pages.append(client_a.get(path))
    for response in pages:
        path = response.request["PATH_INFO"]
        assert response.status_code == 200, path
        # django-csp puts a nonce in the header only when the page used one.
        found = re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"])
        nonce = found.group(1) if found else "(none)"
        for tag in re.findall(r"<script\b[^>]*>", response.content.decode()):
            allowed = "src=" in tag or 'type="application/json"' in tag
            assert allowed or f'nonce="{nonce}"' in tag, (path, tag)
