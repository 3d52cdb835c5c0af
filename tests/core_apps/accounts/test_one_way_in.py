"""One way in, account by account: the second factor is required by
permission, the pages that change what protects an account need a session
that proved it, the other frameworks' password and account forms lead to
allauth's, and reset links carry the configured address. (The URL walk over
every pattern is ``tests/security/test_one_way_in.py``.)"""

from __future__ import annotations

import re

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.contrib.auth.models import Group, Permission
from django.core import mail
from django_tenants.utils import schema_context

from core_apps.accounts.models import User
from core_apps.accounts.roles import MEMBER_PERMISSIONS, ROLE_PERMISSIONS, Role
from core_apps.accounts.security import mfa_required_for
from core_apps.accounts.services import user_role_grant
from tenants.current import community_url
from tests.conftest import PASSWORD, login
from tests.factories import UserFactory

SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"

# Pages that change the email address, the password or the authenticators.
SECOND_FACTOR_PATHS = [
    "/accounts/email/",
    "/accounts/password/change/",
    "/accounts/2fa/recovery-codes/",
    "/accounts/2fa/recovery-codes/generate/",
    "/accounts/2fa/recovery-codes/download/",
    "/accounts/2fa/totp/deactivate/",
    "/accounts/2fa/webauthn/add/",
]


def _in_fresh_group(user: User, *permissions: str) -> Group:
    group = Group.objects.create(name=f"volunteers {user.pk}")
    for name in permissions:
        app_label, codename = name.split(".", 1)
        group.permissions.add(
            Permission.objects.get(content_type__app_label=app_label, codename=codename)
        )
    user.groups.add(group)
    return group


def _fresh(user: User) -> User:
    """The user without its cached permissions."""
    return User.objects.get(pk=user.pk)


# --- The second factor by permission --------------------------------------------


def test_every_staff_permission_from_any_group_requires_a_second_factor(in_a):
    staff_permissions = {
        name for names in ROLE_PERMISSIONS.values() for name in names
    } - MEMBER_PERMISSIONS
    assert "wagtailadmin.access_admin" in staff_permissions
    for name in sorted(staff_permissions):
        user = UserFactory()
        assert not mfa_required_for(user)
        _in_fresh_group(user, name)
        assert mfa_required_for(_fresh(user)), name


def test_a_members_booking_requests_need_no_second_factor(in_a):
    teacher = UserFactory()
    user_role_grant(user=teacher, role=Role.TEACHER)
    member = UserFactory()
    _in_fresh_group(member, *sorted(MEMBER_PERMISSIONS))
    assert not mfa_required_for(_fresh(teacher))
    assert not mfa_required_for(_fresh(member))


@pytest.mark.parametrize("group_name", ["Editors", "Moderators"])
def test_wagtails_default_groups_need_a_second_factor(client_a, community_a, group_name):
    """Wagtail's own groups open /cms/: their members are staff, whatever the name."""
    with schema_context(community_a.schema_name):
        user = UserFactory(email="editor@example.org")
        user.groups.add(Group.objects.get(name=group_name))
        assert not user.is_staff
        assert mfa_required_for(_fresh(user))
    login(client_a, community_a, user, mfa=False)
    refused = client_a.get("/cms/")
    assert refused.status_code == 302
    assert refused["Location"].startswith("/accounts/2fa/?next=")
    login(client_a, community_a, user)
    assert client_a.get("/cms/").status_code == 200


def test_a_permission_given_to_one_user_directly_counts_too(in_a):
    user = UserFactory()
    user.user_permissions.add(
        Permission.objects.get(content_type__app_label="orders", codename="view_order")
    )
    assert mfa_required_for(_fresh(user))


# --- Pages that change what protects the account --------------------------------


def test_a_member_with_an_authenticator_must_prove_it_before_changing_the_account(
    client_a, community_a
):
    with schema_context(community_a.schema_name):
        member = UserFactory(email="careful@example.org")
        Authenticator.objects.create(
            user=member, type=Authenticator.Type.TOTP, data={"secret": SECRET}
        )
    login(client_a, community_a, member, mfa=False)  # a session that skipped the code
    assert client_a.get("/events/").status_code == 200  # members browse as usual
    for path in SECOND_FACTOR_PATHS:
        for response in (client_a.get(path), client_a.post(path, {"email": "x@example.org"})):
            assert response.status_code == 302, path
            assert response["Location"].startswith("/accounts/2fa/reauthenticate/?next="), path
    with schema_context(community_a.schema_name):
        assert not EmailAddress.objects.filter(email="x@example.org").exists()
    # Once proved, the pages open (allauth may still ask for a recent sign-in).
    login(client_a, community_a, member)
    page = client_a.get("/accounts/2fa/recovery-codes/generate/")
    assert page.status_code in (200, 302)
    assert "/accounts/2fa/reauthenticate/?next=" not in page.get("Location", "")


def test_staff_without_an_authenticator_set_one_up_before_changing_their_email(
    client_a, community_a
):
    with schema_context(community_a.schema_name):
        organizer = UserFactory(email="organizer@example.org")
        user_role_grant(user=organizer, role=Role.ORGANIZER)
    login(client_a, community_a, organizer, mfa=False)
    for path in ["/accounts/email/", "/accounts/password/change/"]:
        response = client_a.get(path)
        assert response.status_code == 302, path
        assert response["Location"].startswith("/accounts/2fa/?next="), path
    # …where setting one up stays open.
    activate = client_a.get("/accounts/2fa/totp/activate/")
    assert activate.status_code == 200 or "/accounts/2fa/?next=" not in activate["Location"]


def test_members_without_an_authenticator_change_their_email_as_before(client_a, community_a):
    with schema_context(community_a.schema_name):
        member = UserFactory(email="plain@example.org")
    login(client_a, community_a, member, mfa=False)
    assert client_a.get("/accounts/email/").status_code == 200


# --- Other frameworks' forms lead to allauth's ----------------------------------


def test_wagtails_front_end_sign_in_form_leads_to_allauths(client_a, community_a):
    with schema_context(community_a.schema_name):
        UserFactory(email="dancer@example.org")
    response = client_a.get("/_util/login/?next=/private/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=%2Fprivate%2F"
    posted = client_a.post(
        "/_util/login/", {"username": "dancer@example.org", "password": PASSWORD}
    )
    assert posted.status_code == 302
    assert "_auth_user_id" not in client_a.session


def test_wagtails_password_reset_leads_to_allauths_and_sends_nothing(client_a, community_a):
    response = client_a.post("/cms/password_reset/", {"email": "owner@alpha.example"})
    assert response.status_code == 302
    assert response["Location"] == "/accounts/password/reset/"
    assert client_a.get("/cms/password_reset/done/").status_code == 404
    assert client_a.get("/cms/password_reset/confirm/MQ/abc-def/").status_code == 404
    assert not mail.outbox


def test_wagtails_account_page_changes_neither_email_nor_password(client_a, community_a):
    login(client_a, community_a, email="owner@alpha.example")
    page = client_a.get("/cms/account/")
    assert page.status_code == 200
    assert b'type="password"' not in page.content
    assert b'name="name_email-email"' not in page.content
    client_a.post(
        "/cms/account/",
        {
            "name_email-first_name": "Olga",
            "name_email-last_name": "Owner",
            "name_email-email": "taken-over@example.org",
            "password-new_password1": "another-long-password-9",
            "password-new_password2": "another-long-password-9",
        },
    )
    with schema_context(community_a.schema_name):
        owner = User.objects.get(email="owner@alpha.example")
        assert owner.check_password(PASSWORD)


def test_wagtails_user_editor_sets_no_password(client_a, community_a):
    with schema_context(community_a.schema_name):
        member = UserFactory(email="edited@example.org")
    login(client_a, community_a, email="owner@alpha.example")
    for path in ["/cms/users/new/", f"/cms/users/edit/{member.pk}/"]:
        page = client_a.get(path)
        assert page.status_code == 200, path
        assert b'type="password"' not in page.content, path


def test_django_admin_neither_sets_nor_changes_passwords(platform_client, db):
    operator = User.objects.create_superuser(email="operator@pista.example", password=PASSWORD)
    other = User.objects.create_user(email="other@pista.example", password=PASSWORD)
    platform_client.force_login(operator)  # with a second factor (tests/conftest.py)
    assert platform_client.get("/admin/password_change/")["Location"] == (
        "/accounts/password/change/"
    )
    assert platform_client.get(f"/admin/accounts/user/{other.pk}/password/").status_code != 200
    added = platform_client.get("/admin/accounts/user/add/")
    assert added.status_code == 200
    assert b'type="password"' not in added.content
    created = platform_client.post("/admin/accounts/user/add/", {"email": "New@Pista.example"})
    assert created.status_code == 302
    new = User.objects.get(email="new@pista.example")
    assert not new.has_usable_password()


# --- Links in account emails -----------------------------------------------------


def _link(message) -> str:
    return re.search(r"https?://\S+/accounts/password/reset/key/\S+", message.body).group(0)


@pytest.mark.parametrize("host", ["alpha.localhost:1", "alpha.localhost:99999"])
def test_reset_links_carry_the_communitys_address_not_the_requests(community_a, host):
    from django.test import Client

    with schema_context(community_a.schema_name):
        UserFactory(email="forgetful@example.org")
    response = Client(HTTP_HOST=host).post(
        "/accounts/password/reset/", {"email": "forgetful@example.org"}
    )
    assert response.status_code == 302, response.status_code
    assert len(mail.outbox) == 1
    assert _link(mail.outbox[0]).startswith(
        community_url(community=community_a) + "/accounts/password/reset/key/"
    )


def test_operators_reset_links_carry_the_platforms_address(platform_client, settings, db):
    operator = User.objects.create_superuser(email="operator@pista.example", password=PASSWORD)
    EmailAddress.objects.create(user=operator, email=operator.email, verified=True, primary=True)
    response = platform_client.post(
        "/accounts/password/reset/", {"email": operator.email}, HTTP_HOST="localhost:4444"
    )
    assert response.status_code == 302
    expected = (
        f"{settings.PISTA_SCHEME}://{settings.PISTA_BASE_DOMAIN}/accounts/password/reset/key/"
    )
    assert _link(mail.outbox[-1]).startswith(expected)
