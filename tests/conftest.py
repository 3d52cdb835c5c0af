"""Test fixtures shared by the whole suite.

Two communities, ``alpha`` and ``beta``, are provisioned once per session (from
the template schema, like production) and committed; each test then runs inside
a transaction that is rolled back. Requests reach a community through its host.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.test import Client, TestCase
from django.utils import translation
from django_tenants.utils import schema_context

from pista.memo import memos_clear
from pista.secret_key import secret_key_is_published
from tenants.models import Community

PASSWORD = "correct-horse-battery-42"

# Helper processes the suite starts (its Celery worker, manage.py commands) run
# without pytest and with DEBUG off, so they refuse the published development
# key (pista.secret_key). The suite signs with a private key of its own, shared
# with them, so that what one process signs the other can read.
if secret_key_is_published(os.environ.get("DJANGO_SECRET_KEY", "")):
    os.environ["DJANGO_SECRET_KEY"] = secrets.token_urlsafe(50)
settings.SECRET_KEY = os.environ["DJANGO_SECRET_KEY"]


def services_required() -> bool:
    return os.environ.get("PISTA_REQUIRE_SERVICES") == "1"


def service_unavailable(reason: str) -> None:
    """Skip a test whose real service is missing, or fail when CI requires it."""
    if services_required():
        pytest.fail(f"{reason} (PISTA_REQUIRE_SERVICES=1 forbids skipping)")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker) -> Iterator[None]:
    from django.db import connection as default_connection
    from django.test.utils import setup_databases, teardown_databases

    from tenants.provisioning.services import community_create, platform_tenant_ensure

    # pytest-django creates the test database only when some collected test uses
    # ``db``; tests on committed data (browser, worker) don't, so make sure here.
    own_setup = None
    if not default_connection.settings_dict["NAME"].startswith("test_"):
        with django_db_blocker.unblock():
            own_setup = setup_databases(verbosity=0, interactive=False, aliases={"default"})

    with django_db_blocker.unblock():
        platform_tenant_ensure()
        for slug, name in [("alpha", "Alpha Salsa"), ("beta", "Beta Tango")]:
            if not Community.objects.filter(slug=slug).exists():
                community_create(
                    slug=slug,
                    name=name,
                    owner_email=f"owner@{slug}.example",
                    owner_password=PASSWORD,
                )
    yield
    if own_setup is not None:
        with django_db_blocker.unblock():
            default_connection.close()
            teardown_databases(own_setup, verbosity=0)


@pytest.fixture(autouse=True)
def _back_to_public_schema() -> Iterator[None]:
    yield
    connection.set_schema_to_public()


@pytest.fixture(autouse=True)
def _back_to_the_default_language() -> Iterator[None]:
    """A request in another language leaves it active in the thread: the next
    test's messages must not come out in German."""
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _celery_join_flag_reset() -> Iterator[None]:
    """Celery keeps "a task is running here, don't block on results" in one
    process-wide flag that eager tasks set and restore; eager tasks running in
    several threads at once (concurrency tests) can restore it in the wrong
    order and leave it set, making a later test's ``result.get()`` refuse."""
    yield
    from celery.result import _set_task_join_will_block

    _set_task_join_will_block(False)


def session_mfa_record(session, user) -> None:
    """Put in ``session`` the record allauth keeps when a second factor was
    entered at sign-in (what StaffMFAMiddleware asks of staff). Not saved."""
    import time

    from allauth.account.internal.flows.login import (
        _AUTHENTICATION_METHODS_USER_SESSION_KEY,
        AUTHENTICATION_METHODS_SESSION_KEY,
    )

    records = list(session.get(AUTHENTICATION_METHODS_SESSION_KEY) or [])
    records.append({"method": "mfa", "at": time.time(), "type": "totp"})
    session[AUTHENTICATION_METHODS_SESSION_KEY] = records
    session[_AUTHENTICATION_METHODS_USER_SESSION_KEY] = str(user.pk)


def session_mfa_mark(client: Client, user) -> None:
    """Mark ``client``'s session as signed in with a second factor."""
    session = client.session
    session_mfa_record(session, user)
    session.save()


def totp_code(secret: str, *, offset: int = 0) -> str:
    """The code an authenticator app shows for ``secret`` now (``offset`` periods away)."""
    import time

    from allauth.mfa import app_settings
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    # Codes change every period: don't hand out one about to lapse.
    remaining = app_settings.TOTP_PERIOD - time.time() % app_settings.TOTP_PERIOD
    if remaining < 3:
        time.sleep(remaining + 0.05)
    counter = int(time.time()) // app_settings.TOTP_PERIOD + offset
    return format_hotp_value(hotp_value(secret, counter))


def totp_activate(client: Client, *, password: str = PASSWORD) -> str:
    """Set up an authenticator app through the pages, as a person would
    (re-entering the password first); returns its secret."""
    from allauth.mfa.totp.internal.auth import SECRET_SESSION_KEY

    response = client.get("/accounts/2fa/totp/activate/")
    if response.status_code == 302 and "reauthenticate" in response["Location"]:
        reauth = client.post(response["Location"], {"password": password})
        assert reauth.status_code == 302, reauth.content[:300]
        response = client.get("/accounts/2fa/totp/activate/")
    assert response.status_code == 200, response
    secret = client.session[SECRET_SESSION_KEY]
    # allauth announces the new authenticator once the transaction commits.
    with TestCase.captureOnCommitCallbacks(execute=True):
        done = client.post("/accounts/2fa/totp/activate/", {"code": totp_code(secret)})
    assert done.status_code == 302, done.content[:500]
    return secret


@pytest.fixture(autouse=True)
def _force_login_passes_two_factor(monkeypatch) -> None:
    """``Client.force_login`` stands for a completed sign-in, second factor
    included, so tests of staff pages need no authenticator. The production
    rule is untouched; tests of it sign in through the forms or use
    ``login(..., mfa=False)``."""
    original = Client._login

    def _login(self, user, backend=None):  # type: ignore[no-untyped-def]
        original(self, user, backend)
        if getattr(self, "mfa_verified", True):
            session_mfa_mark(self, user)

    monkeypatch.setattr(Client, "_login", _login)


@pytest.fixture(autouse=True)
def _empty_cache() -> Iterator[None]:
    """Each test starts with an empty cache: rolled-back rows must not live on there."""
    location = settings.CACHES["default"].get("LOCATION")
    if settings.REDIS_URL and location == settings.CELERY_BROKER_URL:
        pytest.fail("Set CACHE_REDIS_URL to another Redis database than the broker's for tests.")
    cache.clear()
    memos_clear()
    yield


@pytest.fixture
def community_a(db) -> Community:
    return Community.objects.get(slug="alpha")


@pytest.fixture
def community_b(db) -> Community:
    return Community.objects.get(slug="beta")


def community_host(community: Community) -> str:
    return community.domains.get(is_primary=True).domain


@pytest.fixture
def client_a(community_a) -> Client:
    return Client(HTTP_HOST=community_host(community_a))


@pytest.fixture
def client_b(community_b) -> Client:
    return Client(HTTP_HOST=community_host(community_b))


@pytest.fixture
def platform_client(db) -> Client:
    return Client(HTTP_HOST=settings.PISTA_BASE_DOMAIN.split(":")[0])


@pytest.fixture
def in_a(community_a) -> Iterator[Community]:
    """Run the test body inside community A's schema."""
    with schema_context(community_a.schema_name):
        yield community_a


@pytest.fixture
def in_b(community_b) -> Iterator[Community]:
    with schema_context(community_b.schema_name):
        yield community_b


def login(
    client: Client,
    community: Community,
    user=None,
    *,
    email: str = "",
    password: str = PASSWORD,
    mfa: bool = True,
) -> None:
    """Log ``client`` in on ``community``'s host (sessions live in its schema),
    as after a sign-in with a second factor unless ``mfa=False``."""
    from core_apps.accounts.models import User

    with schema_context(community.schema_name):
        if user is None:
            user = User.objects.get(email=email)
            assert user.check_password(password), f"wrong password for {email}"
        client.mfa_verified = mfa
        try:
            client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        finally:
            del client.mfa_verified
