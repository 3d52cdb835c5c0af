"""Custom domains: DNS verification against a real DNS server on loopback,
verified-only routing, redirects to the primary, the TLS ask, and bad input."""

from __future__ import annotations

import importlib
import json
import re

import pytest
from django.apps import apps as django_apps
from django.test import Client
from django_tenants.utils import schema_context

from core_apps.accounts.models import User
from tenants.domains.services import (
    RECHECK_MAX_DELAY,
    domain_add,
    domain_verify,
    domains_recheck_claim,
    recheck_delay,
)
from tenants.domains.tasks import domains_recheck_task
from tenants.models import Domain
from tests.conftest import login


def owner_of(community) -> User:
    with schema_context(community.schema_name):
        return User.objects.get(email=f"owner@{community.slug}.example")


@pytest.fixture
def owner_a_client(client_a, community_a) -> Client:
    login(client_a, community_a, email="owner@alpha.example")
    return client_a


@pytest.fixture
def owner_b_client(client_b, community_b) -> Client:
    login(client_b, community_b, email="owner@beta.example")
    return client_b


def api_add(client: Client, domain, on_commit) -> tuple[int, dict]:
    with on_commit(execute=True):
        response = client.post(
            "/api/v1/domains/", json.dumps({"domain": domain}), content_type="application/json"
        )
    return response.status_code, response.json()


def txt_name(domain: Domain) -> str:
    return f"_pista-verify.{domain.domain}"


def txt_value(domain: Domain) -> str:
    return f"pista-verify={domain.verification_token}"


# --- verification against the loopback DNS server -----------------------------


def test_missing_txt_record_leaves_the_domain_pending_and_says_so(
    owner_a_client, dns_zone, django_capture_on_commit_callbacks
):
    status, body = api_add(owner_a_client, "dance.example", django_capture_on_commit_callbacks)

    assert status == 201, body
    domain = Domain.objects.get(domain="dance.example")
    assert domain.status == Domain.Status.PENDING
    assert ("_pista-verify.dance.example", "TXT") in dns_zone.questions  # really asked
    assert "No TXT record" in domain.failure_reason
    assert domain.last_checked_at is not None and domain.next_check_at > domain.last_checked_at
    records = {record["type"]: record for record in body["dns_records"]}
    assert records["CNAME"] == {**records["CNAME"], "name": "dance.example", "value": "localhost"}
    assert records["TXT"]["name"] == "_pista-verify.dance.example"
    assert records["TXT"]["value"] == txt_value(domain)
    assert Client(HTTP_HOST="dance.example").get("/").status_code == 404


def test_wrong_token_marks_the_domain_failed_and_the_owner_sees_the_reason(
    owner_a_client, dns_zone, django_capture_on_commit_callbacks
):
    dns_zone.publish("_pista-verify.dance.example", "pista-verify=not-the-token")
    status, body = api_add(owner_a_client, "dance.example", django_capture_on_commit_callbacks)

    assert status == 201, body
    domain = Domain.objects.get(domain="dance.example")
    assert domain.status == Domain.Status.FAILED
    assert "'pista-verify=not-the-token'" in domain.failure_reason
    assert txt_value(domain) in domain.failure_reason
    detail = owner_a_client.get(f"/api/v1/domains/{domain.pk}/").json()
    assert detail["status"] == "failed"
    assert detail["failure_reason"] == domain.failure_reason
    page = owner_a_client.get("/settings/domains/").content.decode()
    assert "pista-verify=not-the-token" in page and "Failed" in page
    assert Client(HTTP_HOST="dance.example").get("/").status_code == 404


def test_right_token_verifies_the_domain_and_it_routes_to_the_community(
    owner_a_client, community_a, dns_zone, django_capture_on_commit_callbacks
):
    status, body = api_add(owner_a_client, "Dance.Example", django_capture_on_commit_callbacks)
    assert status == 201 and body["status"] == "pending"
    domain = Domain.objects.get(pk=body["id"])
    dns_zone.publish(txt_name(domain), "v=spf1 -all", txt_value(domain))

    with django_capture_on_commit_callbacks(execute=True):
        response = owner_a_client.post(f"/api/v1/domains/{domain.pk}/check/")
    assert response.status_code == 202

    domain.refresh_from_db()
    assert domain.status == Domain.Status.VERIFIED
    assert domain.verified_at is not None and domain.failure_reason == ""
    visitor = Client(HTTP_HOST="dance.example")
    # Verified but not primary: it answers, with a redirect to the primary.
    redirect = visitor.get("/events/?page=2&q=salsa")
    assert redirect.status_code == 301
    assert redirect["Location"] == "http://alpha.localhost:8000/events/?page=2&q=salsa"

    with django_capture_on_commit_callbacks(execute=True):  # cached routes are forgotten
        response = owner_a_client.post(f"/api/v1/domains/{domain.pk}/primary/")
    assert response.status_code == 200 and response.json()["is_primary"] is True
    home = visitor.get("/")
    assert home.status_code == 200
    assert re.search(rf"<h1[^>]*>[^<]*{community_a.name}[^<]*</h1>", home.content.decode())
    # Now the platform sub-domain redirects to the custom domain, path and query kept.
    old = Client(HTTP_HOST="alpha.localhost:8000").get("/a/b/?x=1&y=%C3%A9")
    assert old.status_code == 301
    assert old["Location"] == "http://dance.example/a/b/?x=1&y=%C3%A9"
    # Non-GET requests keep their method: 308.
    assert Client(HTTP_HOST="alpha.localhost").post("/api/v1/domains/").status_code == 308
    # Health probes are never redirected.
    assert Client(HTTP_HOST="alpha.localhost").get("/healthz").status_code == 200


def test_a_broken_dns_host_keeps_the_status_and_retries_later(community_a, in_a, dns_zone):
    domain = domain_add(community=community_a, actor=owner_of(community_a), domain="x.example")
    dns_zone.failing = True

    checked = domain_verify(domain_id=domain.pk)

    assert checked.status == Domain.Status.PENDING
    assert "DNS lookup" in checked.failure_reason and "retried" in checked.failure_reason
    assert checked.next_check_at > checked.last_checked_at


def test_periodic_recheck_backs_off_and_verifies_once_the_record_appears(
    community_a, in_a, dns_zone
):
    domain = domain_add(community=community_a, actor=owner_of(community_a), domain="x.example")
    assert domains_recheck_task.apply().get() == 1  # due at once
    domain.refresh_from_db()
    assert domain.status == Domain.Status.PENDING and domain.check_count == 1
    # Not due again before its backoff delay is over.
    assert domains_recheck_claim(now=domain.last_checked_at) == []
    assert domains_recheck_claim(now=domain.next_check_at) == [domain.pk]

    dns_zone.publish(txt_name(domain), txt_value(domain))
    Domain.objects.filter(pk=domain.pk).update(next_check_at=domain.last_checked_at)
    assert domains_recheck_task.apply().get() == 1
    domain.refresh_from_db()
    assert domain.status == Domain.Status.VERIFIED
    assert domains_recheck_task.apply().get() == 0  # verified domains are done


def test_recheck_delay_doubles_up_to_six_hours():
    delays = [recheck_delay(n).total_seconds() for n in (1, 2, 3, 4)]
    assert delays == [60, 120, 240, 480]
    assert recheck_delay(30) == RECHECK_MAX_DELAY
    assert recheck_delay(10_000) == RECHECK_MAX_DELAY


def test_the_beat_schedule_runs_the_recheck(settings):
    entries = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "tenants.tasks.domains_recheck_task" in entries


def test_domains_that_existed_before_verification_are_migrated_as_verified(community_a):
    migration = importlib.import_module("tenants.migrations.0002_domain_verification")
    first = Domain.objects.create(domain="legacy-one.example", tenant=community_a, is_primary=False)
    second = Domain.objects.create(
        domain="legacy-two.example", tenant=community_a, is_primary=False
    )
    assert first.status == second.status == Domain.Status.PENDING

    migration.existing_domains_verified(django_apps, None)

    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == second.status == Domain.Status.VERIFIED
    assert first.verification_token != second.verification_token
    assert Domain.objects.get(domain="alpha.localhost").status == Domain.Status.VERIFIED


# --- routing -------------------------------------------------------------------


def test_unverified_domains_never_route(community_a, db):
    for status in (Domain.Status.PENDING, Domain.Status.FAILED):
        Domain.objects.update_or_create(
            domain="pending.example", defaults={"tenant": community_a, "status": status}
        )
        response = Client(HTTP_HOST="pending.example").get("/api/v1/community/")
        assert response.status_code == 404, status
        assert community_a.name.encode() not in response.content


def test_a_non_primary_platform_address_redirects_to_the_primary(community_a, db):
    Domain.objects.create(
        domain="www.alpha.example", tenant=community_a, status=Domain.Status.VERIFIED
    )
    response = Client(HTTP_HOST="www.alpha.example").get("/accounts/login/?next=/cms/")
    assert response.status_code == 301
    assert response["Location"] == "http://alpha.localhost:8000/accounts/login/?next=/cms/"


# --- the TLS ask ---------------------------------------------------------------


@pytest.mark.parametrize(
    "host", ["localhost", "127.0.0.1:8000", "alpha.localhost", "anything.example"]
)
def test_tls_ask_approves_a_verified_domain_whatever_the_host(community_a, db, host):
    Domain.objects.create(domain="ok.example", tenant=community_a, status=Domain.Status.VERIFIED)
    client = Client(HTTP_HOST=host)
    assert client.get("/internal/tls-ask", {"domain": "ok.example"}).status_code == 200
    assert client.get("/internal/tls-ask", {"domain": "OK.Example."}).status_code == 200
    assert client.get("/internal/tls-ask", {"domain": "alpha.localhost"}).status_code == 200


def test_tls_ask_refuses_unverified_and_unknown_domains(community_a, db):
    Domain.objects.create(domain="wait.example", tenant=community_a)
    Domain.objects.create(domain="bad.example", tenant=community_a, status=Domain.Status.FAILED)
    client = Client(HTTP_HOST="127.0.0.1")
    for domain in [
        "wait.example",
        "bad.example",
        "unknown.example",
        "alpha.localhost.evil.example",
    ]:
        assert client.get("/internal/tls-ask", {"domain": domain}).status_code == 404, domain


@pytest.mark.parametrize(
    "query",
    [
        "",
        "?domain=",
        "?domain=not%20a%20domain",
        "?domain=a..b",
        "?domain=nodot",
        "?domain=127.0.0.1",
        "?domain=" + "a" * 64 + ".example",
        "?domain=" + ".".join(["abcdefghij"] * 30),
        "?domain=%E2%98%83.example",
        "?domain=-lead.example",
        "?domain=%00.example",
        "?domain=x" * 3000,
    ],
)
def test_tls_ask_answers_400_for_malformed_domains(db, query):
    response = Client(HTTP_HOST="127.0.0.1").get("/internal/tls-ask" + query)
    assert response.status_code == 400


def test_tls_ask_only_answers_get(db):
    assert (
        Client(HTTP_HOST="localhost").post("/internal/tls-ask?domain=x.example").status_code == 405
    )


# --- the owner's flow and bad input --------------------------------------------


def test_idn_and_uppercase_domains_are_normalised(
    owner_a_client, dns_zone, django_capture_on_commit_callbacks
):
    status, body = api_add(owner_a_client, "  Bücher.EXAMPLE. ", django_capture_on_commit_callbacks)
    assert status == 201
    assert body["domain"] == "xn--bcher-kva.example"
    status, body = api_add(owner_a_client, "WWW.Salsa.Example", django_capture_on_commit_callbacks)
    assert status == 201 and body["domain"] == "www.salsa.example"
    # The same name again, in another spelling, is refused.
    status, body = api_add(owner_a_client, "bücher.example", django_capture_on_commit_callbacks)
    assert status == 409 and body["code"] == "domain_taken"
    assert "already one of this community's domains" in body["detail"]


def test_another_communitys_domain_is_refused(
    owner_a_client, community_b, dns_zone, django_capture_on_commit_callbacks
):
    Domain.objects.create(domain="beta-tango.example", tenant=community_b)
    for taken in ["beta-tango.example", "Beta-Tango.Example"]:
        status, body = api_add(owner_a_client, taken, django_capture_on_commit_callbacks)
        assert status == 409, taken
        assert body == {
            "code": "domain_taken",
            "detail": "beta-tango.example is already used by another community.",
        }


@pytest.mark.parametrize(
    "platform_host", ["localhost", "LOCALHOST", "beta.localhost", "alpha.localhost", "x.localhost"]
)
def test_the_platforms_own_domains_are_refused(
    owner_a_client, db, platform_host, django_capture_on_commit_callbacks
):
    status, body = api_add(owner_a_client, platform_host, django_capture_on_commit_callbacks)
    assert status == 409
    assert body["code"] == "platform_domain"
    assert "belongs to the platform" in body["detail"]


@pytest.mark.parametrize(
    "bad",
    [
        "",
        "   ",
        "not a domain",
        "nodot",
        "a..example",
        "-x.example",
        "x_y.example",
        "127.0.0.1",
        "☃.example",
        "a" * 64 + ".example",
        "x" * 2000,
        5,
        None,
        ["a.example"],
        {"d": 1},
    ],
)
def test_invalid_domains_get_a_clear_400(
    owner_a_client, db, bad, django_capture_on_commit_callbacks
):
    status, body = api_add(owner_a_client, bad, django_capture_on_commit_callbacks)
    assert status == 400, body
    assert body["code"] in ("invalid_domain", "invalid")
    assert body["detail"]
    assert not Domain.objects.filter(tenant__slug="alpha", is_primary=False).exists()


def test_only_a_verified_domain_can_be_primary_and_the_primary_stays(
    owner_a_client, community_a, in_a, dns_zone
):
    pending = domain_add(community=community_a, actor=owner_of(community_a), domain="p.example")
    response = owner_a_client.post(f"/api/v1/domains/{pending.pk}/primary/")
    assert response.status_code == 409 and response.json()["code"] == "domain_not_verified"

    platform = Domain.objects.get(domain="alpha.localhost")
    response = owner_a_client.delete(f"/api/v1/domains/{platform.pk}/")
    assert response.status_code == 409 and "platform address" in response.json()["detail"]

    Domain.objects.filter(pk=pending.pk).update(status=Domain.Status.VERIFIED)
    assert owner_a_client.post(f"/api/v1/domains/{pending.pk}/primary/").status_code == 200
    response = owner_a_client.delete(f"/api/v1/domains/{pending.pk}/")
    assert response.status_code == 409 and "primary" in response.json()["detail"]


def test_removing_a_domain_stops_it_routing(
    owner_a_client, community_a, django_capture_on_commit_callbacks
):
    domain = Domain.objects.create(
        domain="gone.example", tenant=community_a, status=Domain.Status.VERIFIED
    )
    assert Client(HTTP_HOST="gone.example").get("/").status_code == 301
    with django_capture_on_commit_callbacks(execute=True):
        response = owner_a_client.delete(f"/api/v1/domains/{domain.pk}/")
    assert response.status_code == 204
    assert not Domain.objects.filter(domain="gone.example").exists()
    assert Client(HTTP_HOST="gone.example").get("/").status_code == 404


def test_ids_that_are_no_domain_get_404(owner_a_client, db):
    for domain_id in ["0", "999999999", "99999999999999999999999"]:
        assert owner_a_client.get(f"/api/v1/domains/{domain_id}/").status_code == 404
        assert owner_a_client.post(f"/api/v1/domains/{domain_id}/check/").status_code == 404
        assert owner_a_client.post(f"/api/v1/domains/{domain_id}/primary/").status_code == 404
        assert owner_a_client.delete(f"/api/v1/domains/{domain_id}/").status_code == 404


# --- permissions and cross-tenant ------------------------------------------------


def test_owner_page_shows_records_and_adds_and_checks_domains(
    owner_a_client, dns_zone, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = owner_a_client.post("/settings/domains/", {"domain": "Page.Example"})
    assert response.status_code == 302
    domain = Domain.objects.get(domain="page.example")
    page = owner_a_client.get("/settings/domains/").content.decode()
    assert "_pista-verify.page.example" in page
    assert txt_value(domain) in page
    assert "Pending" in page and "No TXT record" in page

    dns_zone.publish(txt_name(domain), txt_value(domain))
    with django_capture_on_commit_callbacks(execute=True):
        response = owner_a_client.post(f"/settings/domains/{domain.pk}/check/")
    assert response.status_code == 303
    domain.refresh_from_db()
    assert domain.status == Domain.Status.VERIFIED
    response = owner_a_client.post(f"/settings/domains/{domain.pk}/primary/")
    assert response.status_code == 303
    assert Domain.objects.get(pk=domain.pk).is_primary

    bad = owner_a_client.post("/settings/domains/", {"domain": "beta.localhost"})
    assert bad.status_code == 400
    assert "belongs to the platform" in bad.content.decode()


def test_members_and_visitors_cannot_manage_domains(client_a, community_a, in_a):
    from tests.factories import UserFactory

    anonymous = Client(HTTP_HOST="alpha.localhost")
    assert anonymous.get("/api/v1/domains/").status_code == 403
    assert anonymous.post("/api/v1/domains/", {"domain": "a.example"}).status_code == 403
    assert anonymous.get("/settings/domains/").status_code == 302  # to the login page

    member = UserFactory()
    login(client_a, community_a, member)
    assert client_a.get("/api/v1/domains/").status_code == 403
    response = client_a.post(
        "/api/v1/domains/", json.dumps({"domain": "a.example"}), content_type="application/json"
    )
    assert response.status_code == 403 and response.json()["code"] == "permission_denied"
    assert client_a.get("/settings/domains/").status_code == 403
    assert not Domain.objects.filter(domain="a.example").exists()


def test_an_owner_cannot_reach_another_communitys_domains_from_either_host(
    owner_a_client, community_a, community_b, dns_zone, django_capture_on_commit_callbacks
):
    theirs = Domain.objects.create(domain="theirs.example", tenant=community_b)
    dns_zone.publish(txt_name(theirs), txt_value(theirs))

    listed = owner_a_client.get("/api/v1/domains/").json()["results"]
    assert "theirs.example" not in {d["domain"] for d in listed}
    assert "beta.localhost" not in {d["domain"] for d in listed}
    assert owner_a_client.get(f"/api/v1/domains/{theirs.pk}/").status_code == 404
    with django_capture_on_commit_callbacks(execute=True):
        assert owner_a_client.post(f"/api/v1/domains/{theirs.pk}/check/").status_code == 404
    assert owner_a_client.post(f"/api/v1/domains/{theirs.pk}/primary/").status_code == 404
    assert owner_a_client.delete(f"/api/v1/domains/{theirs.pk}/").status_code == 404
    assert owner_a_client.post(f"/settings/domains/{theirs.pk}/remove/").status_code == 303
    assert "theirs.example" not in owner_a_client.get("/settings/domains/").content.decode()

    # A's session means nothing on B's host (users are per community).
    on_b = Client(HTTP_HOST="beta.localhost")
    on_b.cookies = owner_a_client.cookies
    assert on_b.get("/api/v1/domains/").status_code == 403
    assert on_b.delete(f"/api/v1/domains/{theirs.pk}/").status_code == 403

    # And the services refuse an owner acting on another community from their own schema.
    from pista.errors import PermissionDenied

    with schema_context(community_a.schema_name), pytest.raises(PermissionDenied):
        domain_add(community=community_b, actor=owner_of(community_a), domain="sneaky.example")

    theirs.refresh_from_db()
    assert theirs.status == Domain.Status.PENDING and theirs.last_checked_at is None
    assert Domain.objects.filter(pk=theirs.pk).exists()


def test_b_owner_sees_only_bs_domains(owner_b_client, community_a, db):
    Domain.objects.create(domain="mine-a.example", tenant=community_a)
    listed = {d["domain"] for d in owner_b_client.get("/api/v1/domains/").json()["results"]}
    assert listed == {"beta.localhost"}


def test_page_actions_that_break_a_rule_say_why(owner_a_client, community_a, community_b, db):
    pending = Domain.objects.create(domain="later.example", tenant=community_a)
    theirs = Domain.objects.create(domain="theirs.example", tenant=community_b)

    response = owner_a_client.post(f"/settings/domains/{pending.pk}/primary/", follow=True)
    assert response.redirect_chain == [("/settings/domains/", 303)]
    assert "later.example is not verified yet" in response.content.decode()
    assert not Domain.objects.get(pk=pending.pk).is_primary

    response = owner_a_client.post(f"/settings/domains/{theirs.pk}/remove/", follow=True)
    assert "No such domain in this community." in response.content.decode()
    assert Domain.objects.filter(pk=theirs.pk).exists()

    platform = Domain.objects.get(domain="alpha.localhost")
    response = owner_a_client.post(f"/settings/domains/{platform.pk}/remove/", follow=True)
    assert "platform address; it stays" in response.content.decode()
    assert owner_a_client.get(f"/settings/domains/{pending.pk}/remove/").status_code == 405


def test_a_new_primary_domain_becomes_the_wagtail_sites_host(
    owner_a_client, community_a, community_b, in_a
):
    from wagtail.models import Site

    domain = Domain.objects.create(
        domain="dance.alpha.example", tenant=community_a, status=Domain.Status.VERIFIED
    )
    assert owner_a_client.post(f"/api/v1/domains/{domain.pk}/primary/").status_code == 200

    assert Site.objects.get(is_default_site=True).hostname == "dance.alpha.example"
    sitemap = Client(HTTP_HOST="dance.alpha.example").get("/sitemap.xml")
    assert b"http://dance.alpha.example/" in sitemap.content
    with schema_context(community_b.schema_name):
        assert Site.objects.get(is_default_site=True).hostname == "beta.localhost"
