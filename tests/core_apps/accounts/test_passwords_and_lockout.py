from __future__ import annotations

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django_tenants.utils import schema_context

from tests.conftest import PASSWORD
from tests.factories import UserFactory


def codes(password: str) -> set[str]:
    try:
        validate_password(password)
    except ValidationError as exc:
        return {error.code for error in exc.error_list}
    return set()


def test_breached_password_is_rejected(in_a):
    assert "password_breached" in codes("iloveyou123")


def test_short_password_is_rejected_and_64_characters_are_accepted(in_a):
    assert "password_too_short" in codes("Tang0-9x!")
    assert codes("correct horse battery staple milonga " + "x" * 27) == set()
    assert len("correct horse battery staple milonga " + "x" * 27) == 64
    assert "password_too_long" in codes("y" * 129)


def test_password_containing_the_community_name_is_rejected(in_a, community_a):
    assert community_a.name == "Alpha Salsa"
    assert "password_contains_community_name" in codes("my-alphasalsa-night-77")
    assert "password_contains_community_name" in codes("ALPHA-is-the-best-2026")


def failed_login(client, email: str, **extra):
    return client.post(
        "/accounts/login/", {"login": email, "password": "wrong-password-1"}, **extra
    )


def test_account_is_paused_after_repeated_failures_then_recovers(client_a, community_a, settings):
    settings.AXES_FAILURE_LIMIT = 3
    with schema_context(community_a.schema_name):
        UserFactory(email="target@example.org")
    for _ in range(3):
        failed_login(client_a, "target@example.org")
    blocked = client_a.post(
        "/accounts/login/", {"login": "target@example.org", "password": PASSWORD}
    )
    assert blocked.status_code == 429
    assert b"Too many failed sign-ins" in blocked.content
    assert "_auth_user_id" not in client_a.session

    # The pause ends by itself after the cool-off: simulate time passing.
    from axes.models import AccessAttempt
    from django.utils import timezone

    with schema_context(community_a.schema_name):
        AccessAttempt.objects.update(attempt_time=timezone.now() - timezone.timedelta(hours=1))
    ok = client_a.post("/accounts/login/", {"login": "target@example.org", "password": PASSWORD})
    assert ok.status_code == 302
    assert "_auth_user_id" in client_a.session


def test_rotating_x_forwarded_for_does_not_bypass_throttling(client_a, community_a, settings):
    settings.AXES_FAILURE_LIMIT = 3
    settings.PISTA_TRUSTED_PROXY_COUNT = 1
    with schema_context(community_a.schema_name):
        UserFactory(email="victim@example.org")
    for index in range(5):
        failed_login(
            client_a, "victim@example.org", HTTP_X_FORWARDED_FOR=f"203.0.113.{index}, 10.0.0.1"
        )
    response = client_a.post(
        "/accounts/login/",
        {"login": "victim@example.org", "password": PASSWORD},
        HTTP_X_FORWARDED_FOR="198.51.100.77, 10.0.0.1",
    )
    # Refused by the lockout (429) or by allauth's own per-account limit (form error).
    assert "_auth_user_id" not in client_a.session
    assert response.status_code == 429 or b"Too many failed login attempts" in response.content


@pytest.mark.parametrize(
    ("trusted", "forwarded", "expected"),
    [
        (0, "203.0.113.9", "127.0.0.1"),
        (1, "203.0.113.9, 10.0.0.1", "10.0.0.1"),
        (2, "spoofed, 203.0.113.9, 10.0.0.1", "203.0.113.9"),
    ],
)
def test_client_ip_trusts_only_the_configured_proxy_hops(
    rf, settings, trusted, forwarded, expected
):
    from pista.ratelimit import client_ip

    settings.PISTA_TRUSTED_PROXY_COUNT = trusted
    request = rf.get("/", HTTP_X_FORWARDED_FOR=forwarded, REMOTE_ADDR="127.0.0.1")
    assert client_ip(request) == expected


def test_lockouts_in_one_community_do_not_touch_another(
    client_a, client_b, community_a, community_b, settings
):
    settings.AXES_FAILURE_LIMIT = 2
    for community in (community_a, community_b):
        with schema_context(community.schema_name):
            UserFactory(email="same@example.org")
    for _ in range(3):
        failed_login(client_a, "same@example.org")
    response = client_b.post(
        "/accounts/login/", {"login": "same@example.org", "password": PASSWORD}
    )
    assert response.status_code == 302


def test_new_passwords_are_stored_with_argon2id_and_old_scrypt_ones_upgraded_at_sign_in(
    client_a, community_a, settings
):
    from django.contrib.auth.hashers import get_hasher

    settings.PASSWORD_HASHERS = settings.PISTA_PASSWORD_HASHERS
    with schema_context(community_a.schema_name):
        member = UserFactory(email="scrypt@example.org")
        member.password = get_hasher("scrypt").encode(PASSWORD, get_hasher("scrypt").salt())
        member.save(update_fields=["password"])
        fresh = UserFactory(email="fresh@example.org")
        fresh.set_password(PASSWORD)
        fresh.save(update_fields=["password"])
        assert fresh.password.startswith("argon2$argon2id$v=19$m=19456,t=2,p=1$")

    response = client_a.post(
        "/accounts/login/", {"login": "scrypt@example.org", "password": PASSWORD}
    )
    assert response.status_code == 302, response.content[:500]
    with schema_context(community_a.schema_name):
        member.refresh_from_db()
        assert member.password.startswith("argon2$argon2id$")
        assert member.check_password(PASSWORD)
