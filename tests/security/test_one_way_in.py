"""One way in: allauth's forms are the only ones that take a password, and no
one who can reach a staff page or the staff API does so without having proved
a second factor in the session.

Every URL pattern of the community URLconf (``pista/urls_tenant.py``: pages,
the API, allauth, the Wagtail admin and Wagtail's front-end views) and of the
platform URLconf (``pista/urls_public.py``: the operators' Django admin) is
walked — the walk of ``test_isolation.py``, here on community B's host with B's
own objects, so that detail pages exist — and

1. an email address and its right password, sent anonymously to every pattern
   (form-encoded and JSON, each write method), sign in through allauth's views
   only;
2. no page but allauth's shows a password field, to anonymous visitors, to the
   community's owner or to an operator, except those in
   ``PASSWORD_FIELDS_OUTSIDE_ALLAUTH``, each with the reason it signs no one in;
3. staff *by permission* — a user in a freshly made group holding only
   ``wagtailadmin.access_admin``, and one per permission that a staff page or
   the staff API checks (read from the code) — signed in without a second
   factor, are sent to set one up (403 ``mfa_required`` on the API) from every
   pattern but allauth's account pages, and from the account pages that change
   the email address, the password or the authenticators as well; with an
   authenticator but a session that skipped it, they are sent to enter it.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.contrib.sessions.backends.db import SessionStore
from django.db import connection, transaction
from django.test import Client
from django.urls import Resolver404, resolve
from django_tenants.utils import schema_context

from core_apps.accounts.models import User
from core_apps.accounts.roles import MEMBER_PERMISSIONS
from core_apps.accounts.security import ENROLMENT_PAGES, SECOND_FACTOR_PAGES
from core_apps.privacy.selectors import policies_pending
from core_apps.privacy.services.consents import consent_give
from tenants.models import Community
from tests.conftest import PASSWORD, community_host, login
from tests.factories import UserFactory
from tests.security.test_isolation import (
    KNOWN_UPSTREAM_500,
    MARK,
    PUBLIC_ROUTES,
    SIGN_IN_LINKS,
    TENANT_ROUTES,
    Route,
    World,
    concrete_path,
    world_of_b,
)

TENANT_URLCONF = "pista.urls_tenant"
PUBLIC_URLCONF = "pista.urls_public"
PLATFORM_HOST = settings.PISTA_BASE_DOMAIN.split(":")[0]

# Pages outside allauth that show a password field, and why each is no way in:
# route -> reason. Anything else with a password field fails the walk.
PASSWORD_FIELDS_OUTSIDE_ALLAUTH = {
    "_util/authenticate_with_password/<int:page_view_restriction_id>/<int:page_id>/": (
        "a private page's shared password (Wagtail page privacy): opens that page "
        "for the browser session, signs no one in"
    ),
    r"^((?:[\w\-]+/)*)$": "a private page asks for its shared password (the form above)",
    "cms/pages/<int:page_id>/privacy/": "sets a private page's shared password (CMS staff)",
    "settings/data/": (
        "the signed-in owner (second factor proved) re-types their password to "
        "delete the community; throttled, signs no one in"
    ),
    "settings/data/delete/": "the same confirmation, posted",
    "settings/data/delete/cancel/<str:token>/": (
        "the emailed link that calls a scheduled deletion off (the community is "
        "closed, no one can sign in): token and password, throttled, signs no one in"
    ),
    "start/": (
        "a founder chooses the new owner account's password (the account is "
        "created, no one is signed in; the welcome link that follows still asks "
        "for a second factor)"
    ),
}

# Operator-only 500s found by this walk, not about passwords: the platform's
# Django admin's "view on site" shortcut with the content type of a model whose
# table exists in community schemas only. Route prefix -> why. (Wagtail's
# documents, images and tags are no longer listed in the platform's admin.)
OPERATOR_ADMIN_500_PREFIXES = {
    "admin/r/": "content-type shortcut to a tenant-only model in the public schema",
}

# <input … type="password"> or a field named like one.
# Quotes may come escaped (HTML inside the JSON of Wagtail's modal views).
PASSWORD_FIELD = re.compile(
    rb"<input[^>]*(type=\\?[\"']?password|name=\\?[\"'][\w-]*password[\w-]*\\?[\"'])",
    re.IGNORECASE,
)
# Listed pages a GET walk can't see: POST only, or open only while a deletion
# is pending.
PASSWORD_FIELDS_NOT_SEEN_BY_GET = {
    "settings/data/delete/",
    "settings/data/delete/cancel/<str:token>/",
}

# Where the permission checks of staff pages and the staff API live, and how
# they are written: has_perm("app.codename"), and the apps' helpers that take a
# permission name (_staff, _staff_require, _permission_require, *_PERMISSION = …).
CODE_ROOTS = ["core_apps", "tenants", "cms", "themes", "billing", "pista"]
PERMISSION_CHECK = re.compile(
    r"(?:has_perm|_staff|_staff_require|_permission_require)\([^()\"]*\"(\w+\.\w+)\""
    r"|_PERMISSION\s*=\s*\"(\w+\.\w+)\""
)


def staff_api_permissions() -> list[str]:
    """Every permission that a staff page or the staff API checks, read from
    the code (a new check joins the walk by itself), but a member's."""
    base = Path(settings.BASE_DIR)
    found: set[str] = set()
    for root in CODE_ROOTS:
        for source in (base / root).rglob("*.py"):
            if "migrations" in source.parts:
                continue
            for match in PERMISSION_CHECK.finditer(source.read_text()):
                found.add(match.group(1) or match.group(2))
    return sorted(found - MEMBER_PERMISSIONS)


# --- Helpers --------------------------------------------------------------------


def view_module(path: str, urlconf: str) -> str:
    """The module of the view that answers ``path`` (``""`` when none does)."""
    try:
        func = resolve(path, urlconf=urlconf).func
    except Resolver404:
        return ""
    view_class = getattr(func, "view_class", None) or getattr(func, "cls", None)
    return (view_class or func).__module__


def view_name(path: str, urlconf: str) -> str:
    try:
        return resolve(path, urlconf=urlconf).url_name or ""
    except Resolver404:
        return ""


def is_allauth(path: str, urlconf: str) -> bool:
    return view_module(path, urlconf).startswith("allauth.")


def signed_in(client: Client, schema: str) -> bool:
    key = client.cookies.get(settings.SESSION_COOKIE_NAME)
    if key is None or not key.value:
        return False
    with schema_context(schema):
        return "_auth_user_id" in SessionStore(session_key=key.value).load()


def body(response) -> bytes:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return response.content


@dataclass
class Findings:
    items: list[str] = field(default_factory=list)
    requests: int = 0
    allowed: set[str] = field(default_factory=set)  # patterns seen and allowed

    def add(self, where: str, problem: str) -> None:
        self.items.append(f"{where}: {problem}")

    def report(self) -> str:
        return "\n".join(
            [*self.items[:60], f"({len(self.items)} findings, {self.requests} requests)"]
        )


def send(client: Client, method: str, path: str, data: dict[str, str], *, as_json: bool):
    """One request; the view raising is returned as None (a 500 in production).
    Each runs in a savepoint, so that a failed one leaves the test's
    transaction usable."""
    try:
        with transaction.atomic():
            if method == "GET":
                return client.get(path)
            if method == "POST" and not as_json:
                return client.post(path, data)
            return client.generic(method, path, json.dumps(data), "application/json")
    except Exception:  # reported by the caller as a 500
        return None
    finally:
        connection.set_schema_to_public()


@dataclass(frozen=True)
class Site:
    """One host of the walk: its schema, URLconf and routes."""

    host: str
    schema: str
    urlconf: str
    routes: tuple[Route, ...]


def sites(community: Community) -> list[Site]:
    return [
        Site(
            community_host(community), community.schema_name, TENANT_URLCONF, tuple(TENANT_ROUTES)
        ),
        Site(PLATFORM_HOST, "public", PUBLIC_URLCONF, tuple(PUBLIC_ROUTES)),
    ]


# --- Fixtures -------------------------------------------------------------------


@pytest.fixture
def world(community_b) -> World:
    return world_of_b(community_b)


@pytest.fixture
def operator(db) -> User:
    """A platform operator (public schema) with a verified address and no authenticator."""
    user = User.objects.create_superuser(email="operator@pista.example", password=PASSWORD)
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


# --- 1. Only allauth signs in with a password -----------------------------------


def test_only_allauths_views_sign_in_with_an_email_and_password(community_b, world, operator):
    emails = {community_b.schema_name: f"{MARK.lower()}@example.org", "public": operator.email}
    findings = Findings()
    signed_in_by: set[str] = set()
    for site in sites(community_b):
        email = emails[site.schema]
        with schema_context(site.schema):
            assert User.objects.filter(email=email).exists()
        credentials = {
            "login": email,
            "username": email,
            "email": email,
            "password": PASSWORD,
            "oldpassword": PASSWORD,
            "next": "/",
        }
        for route in site.routes:
            path = concrete_path(route, world.values)
            writes = [m for m in route.methods if m != "GET"] or ["POST"]
            for method in writes:
                for as_json in (False, True):
                    client = Client(HTTP_HOST=site.host)
                    response = send(client, method, path, credentials, as_json=as_json)
                    findings.requests += 1
                    where = f"{method}{' json' if as_json else ''} {site.host}{path}"
                    if response is None or response.status_code >= 500:
                        if route.pattern not in KNOWN_UPSTREAM_500:
                            findings.add(where, "5xx")
                        continue
                    if not signed_in(client, site.schema):
                        continue
                    if is_allauth(path, site.urlconf):
                        signed_in_by.add(route.pattern)
                    elif route.pattern not in SIGN_IN_LINKS:
                        findings.add(where, f"signed in by {view_module(path, site.urlconf)}")
    assert not findings.items, findings.report()
    # The walk can see a sign-in: allauth's own form signs in on both hosts.
    assert "accounts/login/" in signed_in_by


# --- 2. No password field outside allauth ---------------------------------------


def _password_field_walk(
    client: Client, site: Site, world: World, findings: Findings, relogin=None
) -> None:
    for route in site.routes:
        path = concrete_path(route, world.values)
        response = send(client, "GET", path, {}, as_json=False)
        findings.requests += 1
        if relogin is not None and not signed_in(client, site.schema):
            relogin()
        if response is None or response.status_code >= 500:
            known = route.pattern in KNOWN_UPSTREAM_500 or route.pattern.startswith(
                tuple(OPERATOR_ADMIN_500_PREFIXES)
            )
            if not known:
                findings.add(f"GET {site.host}{path} [{route.pattern}]", "5xx")
            continue
        if response.status_code >= 300:
            continue
        if not PASSWORD_FIELD.search(body(response)):
            continue
        if is_allauth(path, site.urlconf) or route.pattern in PASSWORD_FIELDS_OUTSIDE_ALLAUTH:
            findings.allowed.add(route.pattern)
            continue
        findings.add(
            f"GET {site.host}{path} [{route.pattern}]",
            f"password field in {view_module(path, site.urlconf)}",
        )


def test_no_page_but_allauths_shows_a_password_field(community_b, world, operator):
    findings = Findings()
    tenant, platform = sites(community_b)

    owner = Client(HTTP_HOST=tenant.host)
    with schema_context(community_b.schema_name):
        # B's world publishes a new privacy policy: accepted, so that the
        # owner's pages open instead of asking for it again.
        user = User.objects.get(email="owner@beta.example")
        consent_give(user=user, documents=policies_pending(user=user), method="reprompt")

    def owner_login() -> None:
        login(owner, community_b, email="owner@beta.example")

    owner_login()
    _password_field_walk(owner, tenant, world, findings, relogin=owner_login)
    _password_field_walk(Client(HTTP_HOST=tenant.host), tenant, world, findings)

    staff = Client(HTTP_HOST=platform.host)

    def operator_login() -> None:
        staff.force_login(operator)  # with a second factor (tests/conftest.py)

    operator_login()
    _password_field_walk(staff, platform, world, findings, relogin=operator_login)
    _password_field_walk(Client(HTTP_HOST=platform.host), platform, world, findings)
    assert not findings.items, findings.report()
    # The walk sees password fields where there are some, and each listed
    # exception is still needed.
    assert {"accounts/login/", "accounts/password/change/"} <= findings.allowed
    assert set(PASSWORD_FIELDS_OUTSIDE_ALLAUTH) - PASSWORD_FIELDS_NOT_SEEN_BY_GET <= (
        findings.allowed
    ), "an exception in PASSWORD_FIELDS_OUTSIDE_ALLAUTH is no longer needed: remove it"


def test_the_listed_exceptions_exist_so_the_list_stays_honest():
    patterns = {route.pattern for route in TENANT_ROUTES + PUBLIC_ROUTES}
    assert set(PASSWORD_FIELDS_OUTSIDE_ALLAUTH) <= patterns


# --- 3. Staff by permission need a proved second factor -------------------------


def _staff_user(community: Community, label: str, permissions: list[str]) -> User:
    """A user (not ``is_staff``) in a freshly made group holding ``permissions``."""
    with schema_context(community.schema_name):
        group = Group.objects.create(name=f"helpers {label}")
        for name in permissions:
            app_label, codename = name.split(".", 1)
            group.permissions.add(
                Permission.objects.get(content_type__app_label=app_label, codename=codename)
            )
        user = UserFactory(email=f"helper-{re.sub(r'[^a-z]+', '-', label)}@example.org")
        user.groups.add(group)
        return user


def _refused(response, *, enrol: bool) -> bool:
    """Sent to set up (``enrol``) or to enter a second factor, or a 403 on the API."""
    if response.status_code == 403:
        try:
            return response.json().get("code") == "mfa_required"
        except ValueError:
            return False
    if response.status_code != 302:
        return False
    target = "/accounts/2fa/?next=" if enrol else "/accounts/2fa/reauthenticate/?next="
    return response["Location"].startswith(target)


def _staff_walk(
    community: Community,
    user: User,
    world: World,
    findings: Findings,
    *,
    enrol: bool,
    reads_only: bool = False,
) -> None:
    """``user``, signed in without a second factor, requests every route of the
    community (``reads_only``: GET, and the Wagtail admin's top-level pages only)."""
    site = sites(community)[0]
    client = Client(HTTP_HOST=site.host)
    login(client, community, user, mfa=False)
    for route in site.routes:
        if reads_only and route.pattern.startswith("cms/") and route.pattern.count("/") > 2:
            continue
        path = concrete_path(route, world.values)
        name = view_name(path, site.urlconf)
        # allauth's account pages stay open (sign out, set up two-factor…),
        # except those that change what protects the account.
        if path.startswith("/accounts/") and (
            name not in SECOND_FACTOR_PAGES or (enrol and name in ENROLMENT_PAGES)
        ):
            continue
        for method in route.methods[:1] if reads_only else route.methods:
            response = send(client, method, path, {}, as_json=method != "POST")
            findings.requests += 1
            where = f"{method} {site.host}{path} as {user.email}"
            if response is None:
                findings.add(where, "500")
            elif not _refused(response, enrol=enrol):
                location = response.get("Location", "")
                findings.add(where, f"{response.status_code} {location}".strip())
            else:
                continue  # refused before any view ran: still signed in
            if not signed_in(client, site.schema):
                login(client, community, user, mfa=False)


def test_staff_api_permissions_are_read_from_the_code():
    found = staff_api_permissions()
    for expected in ["orders.view_order", "orders.add_checkin", "events.change_event"]:
        assert expected in found
    assert "privacy.view_auditentry" in found  # a *_PERMISSION constant
    assert not set(found) & MEMBER_PERMISSIONS


def test_cms_access_alone_from_any_group_needs_a_second_factor_everywhere(community_b, world):
    user = _staff_user(community_b, "cms", ["wagtailadmin.access_admin"])
    findings = Findings()
    _staff_walk(community_b, user, world, findings, enrol=True)
    assert not findings.items, findings.report()


def test_each_staff_api_permission_alone_needs_a_second_factor_everywhere(community_b, world):
    """One user per permission, each in a group of its own: every page and API
    route read (the Wagtail admin's top-level pages only: the whole admin is
    walked, every method, for CMS access above)."""
    findings = Findings()
    for permission in staff_api_permissions():
        user = _staff_user(community_b, permission, [permission])
        _staff_walk(community_b, user, world, findings, enrol=True, reads_only=True)
    assert not findings.items, findings.report()


def test_staff_with_an_authenticator_whose_session_skipped_it_must_enter_it(community_b, world):
    user = _staff_user(community_b, "cms+totp", ["wagtailadmin.access_admin"])
    with schema_context(community_b.schema_name):
        Authenticator.objects.create(
            user=user, type=Authenticator.Type.TOTP, data={"secret": "JBSWY3DPEHPK3PXP"}
        )
    findings = Findings()
    _staff_walk(community_b, user, world, findings, enrol=False)
    assert not findings.items, findings.report()


def test_an_operator_without_a_second_factor_reaches_no_platform_page(community_b, world, operator):
    client = Client(HTTP_HOST=PLATFORM_HOST)
    client.mfa_verified = False
    client.force_login(operator)
    findings = Findings()
    for route in PUBLIC_ROUTES:
        path = concrete_path(route, world.values)
        if path.startswith("/accounts/") and view_name(path, PUBLIC_URLCONF) not in (
            SECOND_FACTOR_PAGES - ENROLMENT_PAGES
        ):
            continue
        for method in route.methods:
            response = send(client, method, path, {}, as_json=method != "POST")
            findings.requests += 1
            if response is not None and _refused(response, enrol=True):
                continue
            status = "500" if response is None else response.status_code
            findings.add(f"{method} {PLATFORM_HOST}{path}", str(status))
            if not signed_in(client, "public"):
                client.force_login(operator)
    assert not findings.items, findings.report()
