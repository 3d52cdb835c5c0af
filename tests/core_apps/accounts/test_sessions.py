"""Sessions: a new id at sign-in, idle and absolute lifetimes (shorter for
staff), the member's list of sessions, and re-authentication before changes."""

from __future__ import annotations

import re
import time

import pytest
from allauth.account.models import EmailAddress
from django.contrib.sessions.models import Session
from django.test import Client
from django_tenants.utils import schema_context

from core_apps.accounts.models import User
from core_apps.accounts.security import SESSION_LOGIN_AT, SESSION_SEEN_AT
from core_apps.privacy.models import AuditEntry
from tests.conftest import PASSWORD, community_host, login
from tests.factories import UserFactory

MINUTE = 60
HOUR = 3600
DAY = 86400


def password_login(client, email: str, password: str = PASSWORD):
    return client.post("/accounts/login/", {"login": email, "password": password})


def host_schema(client) -> str:
    from tenants.models import Domain

    return Domain.objects.get(domain=client.defaults["HTTP_HOST"]).tenant.schema_name


def signed_in(client) -> bool:
    """Whether ``client``'s session (kept in its community's schema) is signed in."""
    with schema_context(host_schema(client)):
        return "_auth_user_id" in client.session


def age_session(client, *, login_ago_s: float, seen_ago_s: float) -> None:
    with schema_context(host_schema(client)):
        session = client.session
        now = time.time()
        session[SESSION_LOGIN_AT] = now - login_ago_s
        session[SESSION_SEEN_AT] = now - seen_ago_s
        session.save()


@pytest.fixture
def member_a(community_a) -> User:
    with schema_context(community_a.schema_name):
        return UserFactory(email="member@example.org")


def test_signing_in_gives_a_new_session_id(client_a, community_a, member_a):
    with schema_context(community_a.schema_name):
        session = client_a.session
        session["before"] = "anonymous"
        session.save()
        anonymous_key = session.session_key
        assert Session.objects.filter(session_key=anonymous_key).exists()

    password_login(client_a, "member@example.org")
    assert signed_in(client_a)
    with schema_context(community_a.schema_name):
        assert client_a.session.session_key != anonymous_key
        assert not Session.objects.filter(session_key=anonymous_key).exists()


def test_staff_session_ends_after_thirty_idle_minutes(client_a, community_a):
    login(client_a, community_a, email="owner@alpha.example")
    age_session(client_a, login_ago_s=HOUR, seen_ago_s=29 * MINUTE)
    assert client_a.get("/cms/").status_code == 200

    age_session(client_a, login_ago_s=HOUR, seen_ago_s=31 * MINUTE)
    response = client_a.get("/cms/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=%2Fcms%2F"
    assert not signed_in(client_a)
    with schema_context(community_a.schema_name):
        entry = AuditEntry.objects.get(action="auth.session_expired")
        assert entry.data == {"reason": "idle"}
        assert entry.subject.email == "owner@alpha.example"


def test_staff_session_ends_after_twelve_hours_however_active(client_a, community_a):
    login(client_a, community_a, email="owner@alpha.example")
    age_session(client_a, login_ago_s=11 * HOUR, seen_ago_s=MINUTE)
    assert client_a.get("/cms/").status_code == 200
    age_session(client_a, login_ago_s=12 * HOUR + MINUTE, seen_ago_s=MINUTE)
    assert client_a.get("/cms/").status_code == 302
    assert not signed_in(client_a)


def test_member_sessions_last_longer(client_a, community_a, member_a):
    login(client_a, community_a, member_a)
    age_session(client_a, login_ago_s=20 * DAY, seen_ago_s=13 * DAY)
    client_a.get("/events/")
    assert signed_in(client_a)
    age_session(client_a, login_ago_s=20 * DAY, seen_ago_s=15 * DAY)
    client_a.get("/events/")
    assert not signed_in(client_a)


def test_member_session_has_an_absolute_lifetime_too(client_a, community_a, member_a):
    login(client_a, community_a, member_a)
    age_session(client_a, login_ago_s=91 * DAY, seen_ago_s=MINUTE)
    client_a.get("/events/")
    assert not signed_in(client_a)


def test_session_lifetimes_come_from_settings(client_a, community_a, settings):
    settings.PISTA_STAFF_SESSION_IDLE_MINUTES = 5
    login(client_a, community_a, email="owner@alpha.example")
    age_session(client_a, login_ago_s=10 * MINUTE, seen_ago_s=6 * MINUTE)
    assert client_a.get("/cms/").status_code == 302
    assert not signed_in(client_a)


def test_activity_keeps_a_session_alive_and_sets_its_expiry(client_a, community_a):
    login(client_a, community_a, email="owner@alpha.example")
    age_session(client_a, login_ago_s=HOUR, seen_ago_s=20 * MINUTE)
    client_a.get("/cms/")
    with schema_context(community_a.schema_name):
        session = client_a.session
        assert time.time() - session[SESSION_SEEN_AT] < MINUTE
        assert session.get_expiry_age() == 30 * MINUTE


def test_api_gets_json_when_the_session_expired(client_a, community_a, member_a):
    login(client_a, community_a, member_a)
    age_session(client_a, login_ago_s=20 * DAY, seen_ago_s=15 * DAY)
    response = client_a.get("/api/v1/events/")
    assert response.status_code == 401
    assert response.json()["code"] == "session_expired"


def two_browsers(community, email: str) -> tuple[Client, Client]:
    browsers = (
        Client(HTTP_HOST=community_host(community), HTTP_USER_AGENT="Laptop"),
        Client(HTTP_HOST=community_host(community), HTTP_USER_AGENT="Phone"),
    )
    for browser in browsers:
        assert password_login(browser, email).status_code == 302
        assert signed_in(browser)
    return browsers


def test_member_lists_their_sessions_and_ends_another_one(community_a, member_a):
    from allauth.usersessions.models import UserSession

    laptop, phone = two_browsers(community_a, "member@example.org")
    page = laptop.get("/accounts/sessions/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Laptop" in html
    assert "Phone" in html
    with schema_context(community_a.schema_name):
        phone_session = UserSession.objects.get(session_key=phone.session.session_key)
        assert UserSession.objects.filter(user=member_a).count() == 2
    response = laptop.post(f"/accounts/sessions/{phone_session.pk}/end/")
    assert response.status_code == 302
    assert signed_in(laptop)
    assert not signed_in(phone)
    assert phone.get("/accounts/email/").status_code == 302


def test_member_logs_out_everywhere(community_a, member_a):
    laptop, phone = two_browsers(community_a, "member@example.org")
    response = laptop.post("/accounts/sessions/end-all/")
    assert response.status_code == 302
    assert not signed_in(laptop)
    assert not signed_in(phone)
    with schema_context(community_a.schema_name):
        assert AuditEntry.objects.filter(action="auth.logout_everywhere").count() == 1


def test_logging_out_everywhere_in_one_community_leaves_another_alone(community_a, community_b):
    for community in (community_a, community_b):
        with schema_context(community.schema_name):
            UserFactory(email="both@example.org")
    laptop_a, phone_a = two_browsers(community_a, "both@example.org")
    laptop_b, phone_b = two_browsers(community_b, "both@example.org")
    listing = laptop_a.get("/accounts/sessions/").content.decode()
    assert len(re.findall(r'action="/accounts/sessions/\d+/end/"', listing)) == 2  # A's two only
    laptop_a.post("/accounts/sessions/end-all/")
    assert not signed_in(laptop_a)
    assert not signed_in(phone_a)
    assert signed_in(laptop_b)
    assert signed_in(phone_b)


def test_changing_the_email_address_asks_for_the_password_again(client_a, community_a, member_a):
    login(client_a, community_a, member_a)
    response = client_a.post(
        "/accounts/email/", {"action_add": "", "email": "new-address@example.org"}
    )
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/reauthenticate/")
    with schema_context(community_a.schema_name):
        assert not EmailAddress.objects.filter(email="new-address@example.org").exists()
    resumed = client_a.post(response["Location"], {"password": PASSWORD})
    assert resumed.status_code == 302
    with schema_context(community_a.schema_name):
        assert EmailAddress.objects.filter(email="new-address@example.org").exists()


def test_changing_the_password_needs_the_current_one(client_a, community_a, member_a):
    login(client_a, community_a, member_a)
    new_password = "another-long-password-99"
    refused = client_a.post(
        "/accounts/password/change/",
        {"oldpassword": "not-my-password-1", "password1": new_password, "password2": new_password},
    )
    assert refused.status_code == 200
    assert refused.context["form"].errors["oldpassword"]
    with schema_context(community_a.schema_name):
        assert User.objects.get(pk=member_a.pk).check_password(PASSWORD)


def test_two_factor_settings_ask_for_the_password_again(client_a, community_a, member_a):
    login(client_a, community_a, member_a)
    for path in ["/accounts/2fa/totp/activate/", "/accounts/2fa/webauthn/add/"]:
        response = client_a.get(path)
        assert response.status_code == 302, path
        assert response["Location"].startswith("/accounts/reauthenticate/"), path
