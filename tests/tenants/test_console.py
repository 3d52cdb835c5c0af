"""The operator console at /console/ on the platform host: operators with a
second factor only (never a community owner, on any host); communities with
search, filters and per-schema usage; audited actions; the platform overview."""

from __future__ import annotations

import pytest
from django.test import Client
from django_tenants.utils import get_public_schema_name, schema_context

from core_apps.accounts.models import User
from core_apps.privacy.models import AuditEntry
from tenants.console.sparklines import sparkline
from tenants.models import Community
from tests.conftest import login
from tests.factories import PASSWORD


@pytest.fixture
def operator(db) -> User:
    return User.objects.create_superuser(email="operator@pista.example", password=PASSWORD)


@pytest.fixture
def console(platform_client, operator) -> Client:
    platform_client.force_login(operator)
    return platform_client


def _entries(action: str) -> list[AuditEntry]:
    with schema_context(get_public_schema_name()):
        return list(AuditEntry.objects.filter(action=action))


def _assert_csp_safe(body: str) -> None:
    assert "<script" not in body
    assert "style=" not in body


def test_anonymous_visitors_are_sent_to_sign_in(platform_client):
    response = platform_client.get("/console/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_a_community_owner_cannot_reach_the_console_on_any_host(
    client_a, community_a, platform_client
):
    login(client_a, community_a, email="owner@alpha.example")
    # On the community's host the console does not exist.
    for path in ["/console/", "/console/communities/", "/console/communities/alpha/"]:
        assert client_a.get(path).status_code == 404, path
    assert client_a.post("/console/communities/alpha/suspend/", {}).status_code in (403, 404)
    # The owner's session is the community's: on the platform host they are a stranger.
    platform_client.cookies = client_a.cookies
    assert platform_client.get("/console/").status_code == 302
    # A platform account that is not an operator's is refused.
    member = User.objects.create_user(email="owner@alpha.example", password=PASSWORD)
    platform_client.force_login(member)
    assert platform_client.get("/console/").status_code == 403
    assert platform_client.get("/console/communities/alpha/").status_code == 403
    response = platform_client.post(
        "/console/communities/alpha/suspend/", {"reason": "x", "confirm": "on"}
    )
    assert response.status_code == 403
    community_a.refresh_from_db()
    assert community_a.status == Community.Status.ACTIVE


def test_an_operator_without_a_second_factor_is_stopped(platform_client, operator):
    platform_client.mfa_verified = False
    platform_client.force_login(operator)
    response = platform_client.get("/console/")
    assert response.status_code == 302
    assert "/accounts/2fa/" in response["Location"] or "reauthenticate" in response["Location"]


def test_the_community_list_searches_and_filters_with_usage_per_schema(
    console, community_a, community_b
):
    from tests.core_apps.events.factories import EventFactory

    with schema_context(community_a.schema_name):
        EventFactory()
        EventFactory()
    page = console.get("/console/communities/")
    assert page.status_code == 200
    body = page.content.decode()
    _assert_csp_safe(body)
    assert community_a.name in body and community_b.name in body
    assert 'href="/console/communities/alpha/"' in body

    found = console.get("/console/communities/", {"q": "beta"}).content.decode()
    assert community_b.name in found and community_a.name not in found
    Community.objects.filter(pk=community_b.pk).update(status=Community.Status.SUSPENDED)
    suspended = console.get("/console/communities/", {"status": "suspended"}).content.decode()
    assert community_b.name in suspended and community_a.name not in suspended
    recent = console.get("/console/communities/", {"created": "7d"})
    assert recent.status_code == 200
    assert console.get("/console/communities/", {"status": "nonsense"}).status_code == 400

    # Usage comes from each community's own schema: alpha's events are not beta's.
    alpha = console.get("/console/communities/alpha/").content.decode()
    beta = console.get("/console/communities/beta/").content.decode()
    assert "<dt>Events</dt><dd>2</dd>" in alpha
    assert "<dt>Events</dt><dd>0</dd>" in beta
    assert "alpha.localhost" in alpha and "alpha.localhost" not in beta
    _assert_csp_safe(alpha)


def test_console_actions_are_confirmed_audited_and_apply_at_once(
    console, client_a, community_a, operator
):
    assert client_a.get("/").status_code == 200
    detail = console.get("/console/communities/alpha/").content.decode()
    assert 'href="/console/communities/alpha/suspend/"' in detail

    # Without a reason or the confirmation nothing happens.
    refused = console.post("/console/communities/alpha/suspend/", {"reason": "Spam"})
    assert refused.status_code == 400
    assert client_a.get("/").status_code == 200

    done = console.post(
        "/console/communities/alpha/suspend/", {"reason": "Spam", "confirm": "on"}, follow=True
    )
    assert done.status_code == 200
    assert "suspended" in done.content.decode()
    assert client_a.get("/").status_code == 503
    (entry,) = _entries("community.suspend")
    assert entry.actor_id == operator.pk and entry.data["reason"] == "Spam"
    assert "Spam" in console.get("/console/communities/alpha/").content.decode()

    console.post("/console/communities/alpha/reinstate/", {"reason": "Clean", "confirm": "on"})
    assert client_a.get("/").status_code == 200
    assert len(_entries("community.reinstate")) == 1

    # Deletion needs the typed address name.
    wrong = console.post(
        "/console/communities/alpha/delete/",
        {"reason": "Asked", "confirm": "on", "slug": "beta"},
    )
    assert wrong.status_code == 400
    console.post(
        "/console/communities/alpha/delete/",
        {"reason": "Asked", "confirm": "on", "slug": "alpha"},
    )
    community_a.refresh_from_db()
    assert community_a.status == Community.Status.DELETION_PENDING
    assert client_a.get("/").status_code == 503
    assert len(_entries("community.deletion_schedule")) == 1

    # Acting on a community that is being deleted: a clear message, nothing changes.
    again = console.post(
        "/console/communities/alpha/delete/",
        {"reason": "Again", "confirm": "on", "slug": "alpha"},
    )
    assert again.status_code == 409
    assert "already being deleted" in again.content.decode()
    suspend = console.post("/console/communities/alpha/suspend/", {"reason": "x", "confirm": "on"})
    assert suspend.status_code == 409
    assert "being deleted" in suspend.content.decode()

    console.post(
        "/console/communities/alpha/cancel-deletion/", {"reason": "Mistake", "confirm": "on"}
    )
    community_a.refresh_from_db()
    assert community_a.status == Community.Status.ACTIVE
    assert _entries("community.deletion_cancel")[0].data["reason"] == "Mistake"
    assert console.get("/console/communities/nope/suspend/").status_code == 404
    assert console.get("/console/communities/alpha/explode/").status_code == 404


def test_the_overview_shows_platform_figures_with_svg_sparklines(console, community_a):
    page = console.get("/console/?refresh=1")
    assert page.status_code == 200
    body = page.content.decode()
    _assert_csp_safe(body)
    assert "<svg" in body and "<polyline" in body
    assert "Communities" in body and "Tickets sold" in body
    assert "Platform revenue" in body


def test_sparklines_scale_into_their_box():
    line = sparkline([0, 5, 10])
    xs = [float(p.split(",")[0]) for p in line.points.split()]
    ys = [float(p.split(",")[1]) for p in line.points.split()]
    assert xs == sorted(xs) and xs[0] >= 0 and xs[-1] <= line.width
    assert ys[0] == line.height - 2 and ys[-1] == 2
    assert sparkline([]).points


def test_operators_create_communities_through_provisioning(console, operator):
    page = console.get("/console/communities/new/")
    assert page.status_code == 200
    response = console.post(
        "/console/communities/new/",
        {
            "name": "Gamma Kizomba",
            "slug": "gamma-kiz",
            "owner_email": "owner@gamma.example",
            "language": "en",
            "currency": "EUR",
            "time_zone": "Europe/Berlin",
        },
    )
    assert response.status_code == 302, response.content.decode()[:500]
    community = Community.objects.get(slug="gamma-kiz")
    assert community.domains.filter(is_primary=True).exists()
    with schema_context(community.schema_name):
        assert User.objects.filter(email="owner@gamma.example").exists()
    assert _entries("community.create")[0].actor_id == operator.pk
    taken = console.post(
        "/console/communities/new/",
        {
            "name": "Dup",
            "slug": "alpha",
            "owner_email": "x@example.org",
            "language": "en",
            "currency": "EUR",
            "time_zone": "Europe/Berlin",
        },
    )
    assert taken.status_code == 409
    assert "already taken" in taken.content.decode()


def test_operators_reach_the_console_by_clicking(console, platform_client):
    assert 'href="/console/"' in console.get("/").content.decode()
    assert 'href="/console/"' in console.get("/admin/").content.decode()
    overview = console.get("/console/").content.decode()
    for link in ("/console/communities/", "/console/communities/new/"):
        assert f'href="{link}"' in overview


def test_the_community_list_filters_by_last_activity(console, client_a, community_a, community_b):
    from pista import metrics

    metrics._last_seen_written.clear()
    assert client_a.get("/").status_code == 200  # alpha answers a request now
    active = console.get("/console/communities/", {"activity": "7d"}).content.decode()
    assert community_a.name in active and community_b.name not in active
    never = console.get("/console/communities/", {"activity": "never"}).content.decode()
    assert community_b.name in never and community_a.name not in never
    idle = console.get("/console/communities/", {"activity": "idle30"}).content.decode()
    assert community_a.name not in idle and community_b.name not in idle
    assert console.get("/console/communities/", {"activity": "yesterday"}).status_code == 400
