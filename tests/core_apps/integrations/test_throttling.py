"""API rate limits: per key, per address (trusted proxies only), public writes;
429 with Retry-After and a code; per community; what a Redis outage does."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.conf import settings
from django.core.cache import caches
from django.test import override_settings

from core_apps.accounts.roles import Role
from core_apps.accounts.services import user_role_grant
from tests.conftest import login
from tests.core_apps.integrations.conftest import key_header
from tests.factories import UserFactory


def _member_login(client, community) -> None:
    """Reports need a signed-in member (permissions are checked before limits)."""
    from django_tenants.utils import schema_context

    with schema_context(community.schema_name):
        member = UserFactory()
        user_role_grant(user=member, role=Role.MEMBER)
    login(client, community, member)


@pytest.fixture
def rates() -> Iterator[None]:
    rest = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            "api_key": "3/minute",
            "address": "4/minute",
            "public_write": "2/minute",
        },
    }
    with override_settings(REST_FRAMEWORK=rest):
        yield


def _assert_throttled(response) -> None:
    assert response.status_code == 429, response.content[:200]
    assert response.json()["code"] == "throttled"
    assert 1 <= int(response["Retry-After"]) <= 60


def test_a_key_is_limited_per_key_and_per_community(
    rates, client_a, client_b, community_a, community_b, make_key
):
    key_a = make_key(community_a, "events:read")
    other_a = make_key(community_a, "events:read")
    key_b = make_key(community_b, "events:read")
    for _ in range(3):
        assert client_a.get("/api/v1/events/", **key_header(key_a)).status_code == 200
    _assert_throttled(client_a.get("/api/v1/events/", **key_header(key_a)))
    # Another key of A, and B's key (which may share the row id), are not affected.
    assert client_a.get("/api/v1/events/", **key_header(other_a)).status_code == 200
    assert client_b.get("/api/v1/events/", **key_header(key_b)).status_code == 200


def test_anonymous_callers_are_limited_per_address(rates, client_a):
    for _ in range(4):
        assert client_a.get("/api/v1/events/", REMOTE_ADDR="203.0.113.5").status_code == 200
    _assert_throttled(client_a.get("/api/v1/events/", REMOTE_ADDR="203.0.113.5"))
    assert client_a.get("/api/v1/events/", REMOTE_ADDR="203.0.113.6").status_code == 200


def test_a_forged_forwarded_for_does_not_escape_the_limit(rates, client_a):
    for n in range(4):
        client_a.get("/api/v1/events/", HTTP_X_FORWARDED_FOR=f"198.51.100.{n}")
    _assert_throttled(client_a.get("/api/v1/events/", HTTP_X_FORWARDED_FOR="198.51.100.99"))


def test_behind_a_trusted_proxy_the_forwarded_address_counts(rates, client_a):
    with override_settings(PISTA_TRUSTED_PROXY_COUNT=1):
        for _ in range(4):
            client_a.get("/api/v1/events/", HTTP_X_FORWARDED_FOR="198.51.100.1")
        _assert_throttled(client_a.get("/api/v1/events/", HTTP_X_FORWARDED_FOR="198.51.100.1"))
        ok = client_a.get("/api/v1/events/", HTTP_X_FORWARDED_FOR="198.51.100.2")
        assert ok.status_code == 200


@pytest.mark.parametrize("path", ["/api/v1/checkout/", "/api/v1/waitlist/", "/api/v1/reports/"])
def test_public_writes_have_a_tighter_limit(rates, client_a, community_a, path):
    _member_login(client_a, community_a)
    for _ in range(2):
        assert client_a.post(path, "{}", content_type="application/json").status_code != 429
    _assert_throttled(client_a.post(path, "{}", content_type="application/json"))
    # Reads of the same address are not yet limited.
    assert client_a.get("/api/v1/events/").status_code == 200


class _Down:
    def close(self, **kwargs) -> None:
        pass

    def __getattr__(self, name):
        def fail(*args, **kwargs):
            raise ConnectionError("redis is down")

        return fail


@pytest.fixture
def redis_down(monkeypatch) -> None:
    real = caches.__getitem__

    def get(alias):
        return _Down() if alias == "ratelimit" else real(alias)

    monkeypatch.setattr(type(caches), "__getitem__", lambda self, alias: get(alias))


def test_without_redis_reads_and_checkout_go_through_spam_targets_do_not(
    rates, redis_down, client_a, community_a, make_key
):
    key = make_key(community_a, "events:read")
    _member_login(client_a, community_a)
    assert client_a.get("/api/v1/events/").status_code == 200
    assert client_a.get("/api/v1/events/", **key_header(key)).status_code == 200
    assert (
        client_a.post("/api/v1/checkout/", "{}", content_type="application/json").status_code == 400
    )
    _assert_throttled(client_a.post("/api/v1/reports/", "{}", content_type="application/json"))
    _assert_throttled(client_a.post("/api/v1/waitlist/", "{}", content_type="application/json"))


def test_the_schema_documents_429_with_retry_after(client_a):
    document = client_a.get("/api/v1/schema/?format=json").json()
    checkout = document["paths"]["/api/v1/checkout/"]["post"]["responses"]
    assert "Retry-After" in checkout["429"]["headers"]
    assert document["components"]["schemas"]["Error"]["required"] == ["code", "detail"]
