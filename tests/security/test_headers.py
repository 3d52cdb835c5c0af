"""Security headers on every kind of host: values, not just presence."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from tenants.models import Domain


def csp_directives(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {
        part.split()[0]: part.split()[1:] for part in (p.strip() for p in header.split(";")) if part
    }


@pytest.fixture
def custom_domain_client(community_a) -> Client:
    """Community A served on its own verified, primary custom domain."""
    community_a.domains.update(is_primary=False)
    Domain.objects.create(
        domain="alpha-dance.example",
        tenant=community_a,
        is_primary=True,
        status=Domain.Status.VERIFIED,
    )
    return Client(HTTP_HOST="alpha-dance.example")


@pytest.fixture(params=["platform", "subdomain", "custom"])
def any_host_client(request) -> Client:
    fixture = {
        "platform": "platform_client",
        "subdomain": "client_a",
        "custom": "custom_domain_client",
    }
    return request.getfixturevalue(fixture[request.param])


def test_content_security_policy_forbids_inline_and_eval_scripts(any_host_client):
    response = any_host_client.get("/")
    directives = csp_directives(response)
    scripts = directives["script-src"]
    assert "'self'" in scripts
    assert "'unsafe-inline'" not in scripts
    assert "'unsafe-eval'" not in scripts
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["object-src"] == ["'none'"]
    assert directives["base-uri"] == ["'self'"]
    assert directives["default-src"] == ["'self'"]


def test_other_security_headers_have_the_expected_values(any_host_client):
    response = any_host_client.get("/")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    policy = response["Permissions-Policy"]
    assert "camera=()" in policy
    assert "microphone=()" in policy
    assert "geolocation=()" in policy


def test_hsts_is_a_year_with_subdomains_over_https(any_host_client, settings):
    settings.SECURE_HSTS_SECONDS = 31536000
    response = any_host_client.get("/", secure=True)
    hsts = response["Strict-Transport-Security"]
    max_age = int(re.search(r"max-age=(\d+)", hsts).group(1))
    assert max_age >= 31536000
    assert "includeSubDomains" in hsts


def test_no_page_of_ours_carries_an_inline_script_without_the_nonce(client_a, platform_client):
    for client, path in [
        (platform_client, "/"),
        (platform_client, "/start/"),
        (client_a, "/"),
        (client_a, "/accounts/login/"),
        (client_a, "/accounts/signup/"),
        (client_a, "/api/v1/docs/"),
    ]:
        response = client.get(path)
        assert response.status_code == 200, path
        html = response.content.decode()
        nonce = re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"])
        for tag in re.findall(r"<script\b[^>]*>", html):
            executable = "src=" in tag or 'type="application/json"' in tag or "ld+json" in tag
            assert executable or (nonce and f'nonce="{nonce.group(1)}"' in tag), (path, tag)


def test_session_and_csrf_cookies_are_httponly_lax_and_host_only(client_a, community_a):
    from django_tenants.utils import schema_context

    from tests.conftest import PASSWORD
    from tests.factories import UserFactory

    with schema_context(community_a.schema_name):
        UserFactory(email="cookie@example.org")
    response = client_a.post(
        "/accounts/login/", {"login": "cookie@example.org", "password": PASSWORD}
    )
    session = response.cookies["sessionid"]
    assert session["httponly"] is True
    assert session["samesite"] == "Lax"
    assert session["domain"] == ""  # never shared across community hosts


def test_only_the_check_in_page_may_use_the_camera(client_a, community_a):
    from django.contrib.auth.models import Permission
    from django_tenants.utils import schema_context

    from core_apps.orders.services import checkin_list_create
    from tests.conftest import login
    from tests.core_apps.events.factories import EventFactory
    from tests.factories import UserFactory

    with schema_context(community_a.schema_name):
        staff = UserFactory()
        staff.user_permissions.add(Permission.objects.get(codename="add_checkin"))
        checkin_list = checkin_list_create(actor=None, event=EventFactory(), name="Door")
    login(client_a, community_a, staff)
    checkin = client_a.get(f"/manage/checkin/{checkin_list.pk}/")
    assert checkin.status_code == 200
    assert "camera=(self)" in checkin["Permissions-Policy"]
    assert "microphone=()" in checkin["Permissions-Policy"]
    assert "camera=()" in client_a.get("/").headers["Permissions-Policy"]
