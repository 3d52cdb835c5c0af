"""Schemathesis against ``/api/v1/schema/``, signed in on two communities.

Every operation of the OpenAPI document gets generated requests (valid and
invalid bodies, parameters and ids) on community A's host with A's owner
session and on B's host with B's owner session, through the WSGI application
in-process (same database transaction as the test). No response may be a 5xx
or contradict the document; every 4xx is JSON ``{code, detail}``.
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
from django.db import close_old_connections, connection
from django.test import Client
from django_tenants.utils import schema_context

from tenants.models import Community
from tests.conftest import community_host

schemathesis = pytest.importorskip("schemathesis")
hypothesis = pytest.importorskip("hypothesis")

from schemathesis import checks as st_checks  # noqa: E402

# Examples per operation and community: enough to hit each operation with valid
# and malformed input, small enough for the suite (raise locally to dig deeper).
EXAMPLES = int(os.environ.get("PISTA_FUZZ_EXAMPLES", "5"))
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
        return django_app(environ, start_response)

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
