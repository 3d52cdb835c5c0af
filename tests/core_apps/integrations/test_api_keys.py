"""API keys: shown once, stored hashed, scoped, expiring, revocable, audited,
and unknown on another community's host."""

from __future__ import annotations

import io
import json
import re
from datetime import timedelta
from typing import Any

import pytest
from django.core.management import call_command
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone
from django_tenants.utils import schema_context

from core_apps.accounts.roles import Role
from core_apps.accounts.services import user_role_grant
from core_apps.integrations.apikeys import api_key_revoke, key_hash
from core_apps.integrations.models import ApiKey
from core_apps.integrations.scopes import endpoint_is_classified, scope_required
from core_apps.privacy.models import AuditEntry
from tests.conftest import login
from tests.core_apps.integrations.conftest import key_header, owner_of
from tests.factories import UserFactory

WRITE_METHODS = ("post", "put", "patch", "delete")
READ_SCOPES = "events:read,orders:read,members:read"


def test_a_key_reads_what_its_scope_allows_and_the_use_is_recorded(client_a, community_a, make_key):
    key = make_key(community_a, "events:read", name="Studio sync")
    response = client_a.get("/api/v1/events/", **key_header(key))
    assert response.status_code == 200, response.content
    with schema_context(community_a.schema_name):
        stored = ApiKey.objects.get()
        assert stored.last_used_at is not None
        assert key not in json.dumps(list(ApiKey.objects.values()), default=str)
        assert stored.secret_hash == key_hash(key)
        entry = AuditEntry.objects.filter(action="api_key.request").get()
        assert entry.data["api_key"] == "Studio sync"
        assert entry.data["path"] == "/api/v1/events/"
        first_use = stored.last_used_at
    # A second request within the minute writes no new last-used time.
    assert client_a.get("/api/v1/events/", **key_header(key)).status_code == 200
    with schema_context(community_a.schema_name):
        assert ApiKey.objects.get().last_used_at == first_use
        assert AuditEntry.objects.filter(action="api_key.request").count() == 2


def test_a_read_key_cannot_write(client_a, community_a, make_key):
    key = make_key(community_a, READ_SCOPES)
    response = client_a.post(
        "/api/v1/events/", {"title": "x"}, content_type="application/json", **key_header(key)
    )
    assert response.status_code == 403
    assert response.json()["code"] == "api_key_scope_missing"
    assert "events:write" in response.json()["detail"]


def test_a_key_without_the_area_cannot_read_it(client_a, community_a, make_key):
    key = make_key(community_a, "orders:read")
    response = client_a.get("/api/v1/events/", **key_header(key))
    assert response.status_code == 403
    assert response.json()["code"] == "api_key_scope_missing"


@pytest.mark.parametrize(
    ("mutate", "code"),
    [
        (lambda k: setattr(k, "revoked_at", timezone.now()), "api_key_revoked"),
        (
            lambda k: setattr(k, "expires_at", timezone.now() - timedelta(seconds=1)),
            "api_key_expired",
        ),
    ],
)
def test_revoked_and_expired_keys_answer_401_with_a_code(
    client_a, community_a, make_key, mutate, code
):
    key = make_key(community_a, "events:read", days=30)
    with schema_context(community_a.schema_name):
        stored = ApiKey.objects.get()
        mutate(stored)
        stored.save()
    response = client_a.get("/api/v1/events/", **key_header(key))
    assert response.status_code == 401
    assert response.json()["code"] == code


@pytest.mark.parametrize("bad", ["", "nonsense", "pista_0123456789_wrong", "pista_zz_"])
def test_malformed_or_unknown_keys_answer_401(client_a, bad):
    response = client_a.get("/api/v1/events/", HTTP_AUTHORIZATION=f"Api-Key {bad}")
    assert response.status_code == 401
    assert response.json()["code"] == "api_key_invalid"
    assert response["WWW-Authenticate"] == "Api-Key"


def test_a_key_of_community_a_is_refused_on_community_b(client_b, community_a, make_key):
    key = make_key(community_a, READ_SCOPES + ",events:write,orders:write,bookings")
    response = client_b.get("/api/v1/events/", **key_header(key))
    assert response.status_code == 401
    assert response.json()["code"] == "api_key_invalid"
    response = client_b.post(
        "/api/v1/events/", {"title": "x"}, content_type="application/json", **key_header(key)
    )
    assert response.status_code == 401


def test_without_a_key_nothing_changes_for_anonymous_callers(client_a):
    response = client_a.post("/api/v1/events/", {}, content_type="application/json")
    assert response.status_code == 403


def _routes(resolver: URLResolver, prefix: str = "") -> list[tuple[str, URLPattern]]:
    found: list[tuple[str, URLPattern]] = []
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            found += _routes(entry, prefix + str(entry.pattern))
        else:
            found.append((prefix + str(entry.pattern), entry))
    return found


def _api_routes() -> list[tuple[str, URLPattern]]:
    resolver = get_resolver("pista.urls_tenant")
    return [
        (route, pattern)
        for route, pattern in _routes(resolver)
        if route.startswith("api/v1/") and getattr(pattern.callback, "cls", None) is not None
    ]


def _concrete(route: str) -> str:
    path = re.sub(r"<int:[^>]+>", "1", route)
    path = re.sub(r"<(?:str|slug):[^>]+>", "x", path)
    path = re.sub(r"\^?\(\?P<[^>]+>[^)]*\)\$?", "x", path).replace("^", "").replace("$", "")
    return "/" + path


def _write_operations() -> list[tuple[str, str, str]]:
    operations = []
    for route, pattern in _api_routes():
        view = pattern.callback.cls
        if getattr(pattern.callback, "initkwargs", {}).get("authentication_classes") == []:
            continue
        if view.authentication_classes == []:
            continue  # takes no credentials at all (the Stripe webhook: signed instead)
        for method in WRITE_METHODS:
            if hasattr(view, method) and pattern.name != "not-found":
                operations.append((_concrete(route), method, pattern.name or ""))
    return operations


WRITES = _write_operations()


def test_the_urlconf_has_write_endpoints_to_check():
    assert len(WRITES) > 40


def test_every_api_route_is_classified_for_keys():
    unclassified = [p.name for _r, p in _api_routes() if not endpoint_is_classified(p.name or "")]
    assert unclassified == []


@pytest.mark.parametrize(
    ("path", "method", "name"), WRITES, ids=[f"{m} {p}" for p, m, _n in WRITES]
)
def test_a_read_scoped_key_is_refused_on_every_write_endpoint(
    client_a, community_a, make_key, path, method, name
):
    key = make_key(community_a, READ_SCOPES)
    response = getattr(client_a, method)(
        path, data="{}", content_type="application/json", **key_header(key)
    )
    assert response.status_code == 403, (name, response.content[:300])
    assert response.json()["code"] == "api_key_scope_missing"
    assert scope_required(url_name=name, method=method) not in READ_SCOPES.split(",")


def test_member_data_is_read_only_to_keys_and_staff_routes_closed(client_a, community_a, make_key):
    key = make_key(community_a, READ_SCOPES + ",events:write,orders:write,bookings")
    assert client_a.get("/api/v1/members/me/", **key_header(key)).status_code == 200
    denied = client_a.patch(
        "/api/v1/members/me/", data="{}", content_type="application/json", **key_header(key)
    )
    assert denied.status_code == 403
    assert denied.json()["code"] == "api_key_scope_missing"
    assert client_a.get("/api/v1/domains/", **key_header(key)).status_code == 403


def test_the_schema_documents_the_api_key_scheme(client_a):
    schema = client_a.get("/api/v1/schema/?format=json")
    assert schema.status_code == 200
    text = schema.content.decode()
    assert "ApiKeyAuth" in text and "Api-Key" in text


def test_the_command_prints_one_json_object_with_a_working_key(client_a, client_b, community_a):
    out = io.StringIO()
    call_command(
        "api_key_create",
        "--community",
        "alpha",
        "--name",
        "Scanner",
        "--scopes",
        "events:read,orders:write",
        "--expires-days",
        "7",
        stdout=out,
    )
    printed = json.loads(out.getvalue())
    assert printed["scopes"] == ["events:read", "orders:write"]
    assert printed["key"].startswith(f"pista_{printed['prefix']}_")
    assert client_a.get("/api/v1/events/", **key_header(printed["key"])).status_code == 200
    assert client_b.get("/api/v1/events/", **key_header(printed["key"])).status_code == 401


@pytest.mark.parametrize(
    "args", [["--scopes", "events:read,nope"], ["--scopes", ""], ["--expires-days", "0"]]
)
def test_the_command_refuses_bad_input(community_a, args):
    base = {"--community": "alpha", "--name": "x", "--scopes": "events:read"}
    base.update(dict(zip(args[::2], args[1::2], strict=True)))
    flat: list[Any] = [item for pair in base.items() for item in pair]
    with pytest.raises(Exception, match=r"scope|days|Choose"):
        call_command("api_key_create", *flat, stdout=io.StringIO())
    with schema_context(community_a.schema_name):
        assert not ApiKey.objects.exists()


def test_the_owner_creates_sees_once_lists_and_revokes_a_key(client_a, community_a):
    login(client_a, community_a, owner_of(community_a))
    page = client_a.get("/settings/integrations/")
    assert page.status_code == 200
    created = client_a.post(
        "/settings/integrations/",
        {"key-name": "Accounting", "key-scopes": ["orders:read"], "key-expires_in_days": ""},
    )
    assert created.status_code == 200
    shown = re.search(r'id="new-api-key">(pista_[^<]+)<', created.content.decode())
    assert shown
    key = shown.group(1)
    listing = client_a.get("/settings/integrations/").content.decode()
    assert "Accounting" in listing and key not in listing
    with schema_context(community_a.schema_name):
        stored = ApiKey.objects.get()
    revoked = client_a.post(f"/settings/integrations/keys/{stored.pk}/revoke/")
    assert revoked.status_code == 303
    assert client_a.get("/api/v1/orders/x/", **key_header(key)).json()["code"] == "api_key_revoked"
    with schema_context(community_a.schema_name):
        assert AuditEntry.objects.filter(action="api_key.revoke").exists()


def test_the_settings_menu_links_the_page_for_owners(client_a, community_a):
    login(client_a, community_a, owner_of(community_a))
    admin = client_a.get("/cms/")
    assert admin.status_code == 200
    assert "/settings/integrations/" in admin.content.decode()


def test_members_may_not_manage_keys(client_a, community_a):
    with schema_context(community_a.schema_name):
        member = UserFactory()
        user_role_grant(user=member, role=Role.MEMBER)
    login(client_a, community_a, member)
    assert client_a.get("/settings/integrations/").status_code == 403
    assert (
        client_a.post(
            "/settings/integrations/", {"key-name": "x", "key-scopes": ["events:read"]}
        ).status_code
        == 403
    )


def test_an_owner_cannot_revoke_another_communitys_key(
    client_a, community_a, community_b, make_key
):
    make_key(community_b, "events:read")
    with schema_context(community_b.schema_name):
        b_key = ApiKey.objects.get()
    login(client_a, community_a, owner_of(community_a))
    client_a.post(f"/settings/integrations/keys/{b_key.pk}/revoke/")
    with schema_context(community_b.schema_name):
        assert ApiKey.objects.get().revoked_at is None
    with schema_context(community_a.schema_name), pytest.raises(Exception, match="No such"):
        api_key_revoke(actor=owner_of(community_a), key_id=b_key.pk)
