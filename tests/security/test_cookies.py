"""Session and CSRF cookies: Secure, HttpOnly, SameSite=Lax, host-only, and
``__Host-`` prefixed whenever cookies are secure (production)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client
from django_tenants.utils import schema_context

from tests.conftest import PASSWORD, community_host
from tests.factories import UserFactory

ROOT = Path(__file__).resolve().parents[2]


def production_cookie_settings(**env: str) -> dict[str, str]:
    """The cookie settings a process started with ``env`` ends up with."""
    code = (
        "from django.conf import settings as s;"
        "print(s.SESSION_COOKIE_NAME, s.CSRF_COOKIE_NAME, s.SESSION_COOKIE_SECURE,"
        " s.CSRF_COOKIE_SECURE, s.SESSION_COOKIE_DOMAIN, s.CSRF_COOKIE_DOMAIN,"
        " s.SESSION_COOKIE_HTTPONLY, s.CSRF_COOKIE_HTTPONLY, s.SESSION_COOKIE_SAMESITE)"
    )
    result = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=ROOT,
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "pista.settings",
            "PISTA_TESTING": "0",
            "DJANGO_DEBUG": "0",
            **env,
        },
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    keys = [
        "session_name",
        "csrf_name",
        "session_secure",
        "csrf_secure",
        "session_domain",
        "csrf_domain",
        "session_httponly",
        "csrf_httponly",
        "samesite",
    ]
    return dict(zip(keys, result.stdout.split(), strict=True))


def test_production_cookies_are_secure_and_host_prefixed():
    values = production_cookie_settings()
    assert values == {
        "session_name": "__Host-sessionid",
        "csrf_name": "__Host-csrftoken",
        "session_secure": "True",
        "csrf_secure": "True",
        "session_domain": "None",
        "csrf_domain": "None",
        "session_httponly": "True",
        "csrf_httponly": "True",
        "samesite": "Lax",
    }


def test_development_over_plain_http_keeps_unprefixed_names():
    # Browsers refuse __Host- cookies without Secure, which plain http can't carry.
    values = production_cookie_settings(DJANGO_DEBUG="1")
    assert values["session_name"] == "sessionid"
    assert values["session_secure"] == "False"


@pytest.fixture
def production_cookies(settings):
    settings.SESSION_COOKIE_SECURE = True
    settings.CSRF_COOKIE_SECURE = True
    settings.SESSION_COOKIE_NAME = "__Host-sessionid"
    settings.CSRF_COOKIE_NAME = "__Host-csrftoken"


def assert_host_cookie(morsel) -> None:
    assert morsel["secure"] is True
    assert morsel["httponly"] is True
    assert morsel["samesite"] == "Lax"
    assert morsel["path"] == "/"
    assert morsel["domain"] == ""  # host-only: never sent to another community's host


def test_session_and_csrf_cookies_carry_every_flag_over_https(
    production_cookies, client_a, community_a
):
    with schema_context(community_a.schema_name):
        UserFactory(email="cookie@example.org")
    form = client_a.get("/accounts/login/", secure=True)
    assert_host_cookie(form.cookies["__Host-csrftoken"])
    response = client_a.post(
        "/accounts/login/", {"login": "cookie@example.org", "password": PASSWORD}, secure=True
    )
    assert response.status_code == 302
    assert_host_cookie(response.cookies["__Host-sessionid"])
    assert "sessionid" not in response.cookies
    # The prefixed cookie is what identifies the session afterwards.
    assert client_a.get("/accounts/email/", secure=True).status_code == 200


def test_a_session_cookie_of_one_community_is_nobody_on_another(client_a, community_a, community_b):
    with schema_context(community_a.schema_name):
        UserFactory(email="cookie@example.org")
    client_a.post("/accounts/login/", {"login": "cookie@example.org", "password": PASSWORD})
    stolen = client_a.cookies["sessionid"].value
    other = Client(HTTP_HOST=community_host(community_b))
    other.cookies["sessionid"] = stolen
    response = other.get("/accounts/email/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
