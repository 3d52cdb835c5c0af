"""Schemathesis against ``/api/v1/schema/``, on two communities.

Every operation of the OpenAPI document gets generated requests (valid and
invalid bodies, parameters and ids) on community A's host and on B's host,
through the WSGI application in-process (same database transaction as the
test): once with each owner's session, once with each community's API key
holding every scope and all of schemathesis' checks (status codes, response
schemas, headers, auth, unsupported methods …). No response may be a 5xx or
contradict the document; every 4xx is JSON ``{code, detail}``; no response on
one community's host names the other community's data.
"""

from __future__ import annotations

import os
import time
from collections import Counter
from collections.abc import Iterator

import pytest
from django.conf import settings
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import DatabaseError, close_old_connections, connection, transaction
from django.test import Client
from django_tenants.utils import schema_context

from core_apps.integrations.apikeys import api_key_create
from core_apps.integrations.scopes import SCOPES
from tenants.models import Community
from tests.conftest import community_host
from tests.core_apps.integrations.conftest import owner_of
from tests.core_apps.integrations.seed import seed_community

schemathesis = pytest.importorskip("schemathesis")
hypothesis = pytest.importorskip("hypothesis")

from schemathesis import checks as st_checks  # noqa: E402

# Examples per operation and community: enough to hit each operation with valid
# and malformed input, small enough for the suite (raise locally to dig deeper).
EXAMPLES = int(os.environ.get("PISTA_FUZZ_EXAMPLES", "5"))
KEY_EXAMPLES = int(os.environ.get("PISTA_FUZZ_KEY_EXAMPLES", "3"))
CSRF = "k" * 32  # an unmasked token: cookie and header agree


@pytest.fixture
def wsgi_app() -> Iterator[object]:
    """Django's WSGI handler, without the per-request connection recycling that
    would close the test's transaction (as Django's own test client does)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    django_app = get_wsgi_application()

    def app(environ, start_response):
        # Schemathesis' WSGI client only sends cookies set for "localhost"; the
        # community hosts' cookies travel in a header and are put back here.
        if "HTTP_X_TEST_COOKIE" in environ:
            environ["HTTP_COOKIE"] = environ.pop("HTTP_X_TEST_COOKIE")
        # Its probes (the same request without credentials, …) go to
        # "localhost": send them to the community being fuzzed.
        if app.host and environ.get("HTTP_HOST", "localhost").startswith("localhost"):
            environ["HTTP_HOST"] = app.host
        # A database error answers 500 and fails its own case; in a savepoint,
        # it does not abort the test's transaction for every case after it.
        savepoint = transaction.savepoint()
        response = django_app(environ, start_response)
        try:
            transaction.savepoint_commit(savepoint)
        except DatabaseError:
            transaction.savepoint_rollback(savepoint)
        return response

    app.host = ""

    try:
        yield app
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def _owner_session(community: Community) -> str:
    client = Client(HTTP_HOST=community_host(community))
    from core_apps.accounts.models import User

    with schema_context(community.schema_name):
        owner = User.objects.get(email=f"owner@{community.slug}.example")
        client.force_login(owner, backend="django.contrib.auth.backends.ModelBackend")
    connection.set_schema_to_public()
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def _error_body_is_code_and_detail(ctx, response, case) -> bool | None:
    """Every 4xx of the API is JSON with a machine-readable code and a detail."""
    if 400 <= response.status_code < 500:
        body = response.json()
        assert isinstance(body, dict), body
        assert body.get("code") and body.get("detail"), body
    return None


def _fuzz(community: Community, app: object, statuses: Counter[str]) -> list[str]:
    host = community_host(community)
    schema = schemathesis.openapi.from_wsgi(
        "/api/v1/schema/?format=json", app, headers={"Host": host}
    )
    session = _owner_session(community)
    failures: list[str] = []
    for result in schema.get_all_operations():
        operation = result.ok()

        @hypothesis.settings(
            max_examples=EXAMPLES,
            deadline=None,
            database=None,
            derandomize=True,
            suppress_health_check=list(hypothesis.HealthCheck),
            phases=[hypothesis.Phase.explicit, hypothesis.Phase.generate],
        )
        @hypothesis.given(case=operation.as_strategy())
        def run(case) -> None:
            response = case.call(
                base_url=f"http://{host}",
                headers={
                    "X-CSRFToken": CSRF,
                    "Host": host,
                    "X-Test-Cookie": f"{settings.SESSION_COOKIE_NAME}={session}; csrftoken={CSRF}",
                },
            )
            connection.set_schema_to_public()
            statuses[f"{case.operation.label} {response.status_code}"] += 1
            case.validate_response(
                response,
                checks=[
                    st_checks.not_a_server_error,
                    st_checks.response_schema_conformance,
                    st_checks.content_type_conformance,
                ],
            )
            _error_body_is_code_and_detail(None, response, case)

        try:
            run()
        except (Exception, BaseExceptionGroup) as error:  # schemathesis' FailureGroup
            failures.append(f"{operation.label}: {str(error)[:600]}")
    return failures


def test_api_fuzzing_finds_no_5xx_and_no_schema_violation(community_a, community_b, wsgi_app):
    started = time.monotonic()
    failures: list[str] = []
    for community in (community_a, community_b):
        statuses: Counter[str] = Counter()
        failures += [f"[{community.slug}] {f}" for f in _fuzz(community, wsgi_app, statuses)]
        # The fuzzing ran signed in and reached the operations (not a wall of 403s):
        # random input is mostly refused, but every community answers some of it.
        seen = "\n".join(f"{key}: {n}" for key, n in sorted(statuses.items()))
        operations = {key.rsplit(" ", 1)[0] for key in statuses}
        succeeded = {key.rsplit(" ", 1)[0] for key in statuses if key.endswith((" 200", " 201"))}
        if (
            statuses["GET /api/v1/members/me/ 200"] == 0
            or len(operations) < 60
            or len(succeeded) < len(operations) / 4
        ):
            failures.append(f"[{community.slug}] the fuzzing did not reach the API:\n{seen}")
    assert not failures, "\n\n".join(failures)
    print(f"fuzzed in {time.monotonic() - started:.0f} s")


def _fuzz_with_key(
    community: Community, app: object, key: str, foreign: list[str], statuses: Counter[str]
) -> list[str]:
    """Every operation with ``key`` and all checks; ``foreign`` are strings of
    the other community that no response may contain."""
    host = community_host(community)
    app.host = host  # type: ignore[attr-defined]
    schema = schemathesis.openapi.from_wsgi(
        "/api/v1/schema/?format=json", app, headers={"Host": host}
    )
    # A schema cannot say which valid-looking requests a business rule refuses
    # (a sold-out product, an end before the start, a state change out of turn):
    # those answer 400 with their own code, documented on every operation.
    schema.config.checks.positive_data_acceptance.expected_statuses = [
        *schema.config.checks.positive_data_acceptance.expected_statuses,
        "400",
    ]
    headers = {"Host": host, "Authorization": f"Api-Key {key}"}
    failures: list[str] = []
    for result in schema.get_all_operations():
        operation = result.ok()

        @hypothesis.settings(
            max_examples=KEY_EXAMPLES,
            deadline=None,
            database=None,
            derandomize=True,
            suppress_health_check=list(hypothesis.HealthCheck),
            phases=[hypothesis.Phase.explicit, hypothesis.Phase.generate],
        )
        @hypothesis.given(case=operation.as_strategy())
        def run(case) -> None:
            response = case.call(base_url=f"http://{host}", headers=headers)
            connection.set_schema_to_public()
            statuses[f"{case.operation.label} {response.status_code}"] += 1
            case.validate_response(response, headers=headers)
            _error_body_is_code_and_detail(None, response, case)
            text = response.text.lower()
            leaked = [marker for marker in foreign if marker.lower() in text]
            assert not leaked, f"{case.operation.label} shows {leaked}: {response.text[:300]}"

        try:
            run()
        except (Exception, BaseExceptionGroup) as error:
            failures.append(f"{operation.label}: {str(error)[:800]}")
    return failures


def test_api_fuzzing_with_keys_runs_every_check_and_keeps_communities_apart(
    community_a, community_b, wsgi_app
):
    started = time.monotonic()
    seeded = {
        community_a.slug: seed_community(community_a, "Alphonse"),
        community_b.slug: seed_community(community_b, "Zebulon"),
    }
    markers = {community_a.slug: "Alphonse", community_b.slug: "Zebulon"}
    failures: list[str] = []
    for community, other in ((community_a, community_b), (community_b, community_a)):
        with schema_context(community.schema_name):
            key = api_key_create(
                actor=owner_of(community), name="fuzz", scopes=",".join(SCOPES)
            ).key
        connection.set_schema_to_public()
        theirs = seeded[other.slug]
        foreign = [markers[other.slug], theirs.order.code, theirs.promo_code.code]
        statuses: Counter[str] = Counter()
        found = _fuzz_with_key(community, wsgi_app, key, foreign, statuses)
        failures += [f"[{community.slug}] {f}" for f in found]
        succeeded = {seen.rsplit(" ", 1)[0] for seen in statuses if seen.endswith((" 200", " 201"))}
        if statuses["GET /api/v1/orders/ 200"] == 0 or len(succeeded) < 25:
            seen = "\n".join(f"{label}: {n}" for label, n in sorted(statuses.items()))
            failures.append(f"[{community.slug}] the key did not reach the API:\n{seen}")
    assert not failures, "\n\n".join(failures)
    print(f"fuzzed with keys in {time.monotonic() - started:.0f} s")
