from __future__ import annotations

import re

from django.test import Client

from tenants.lifecycle.services.suspension import community_set_status


def test_each_community_host_shows_its_own_name(client_a, client_b, community_a, community_b):
    page_a = client_a.get("/").content.decode()
    page_b = client_b.get("/").content.decode()
    assert re.search(rf"<h1[^>]*>[^<]*{community_a.name}[^<]*</h1>", page_a)
    assert community_b.name not in page_a
    assert re.search(rf"<h1[^>]*>[^<]*{community_b.name}[^<]*</h1>", page_b)
    assert community_a.name not in page_b


def test_platform_host_shows_the_platform_site_listing_communities(platform_client, community_a):
    response = platform_client.get("/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "<h1>Pista</h1>" in body
    assert "http://alpha.localhost:8000" in body


def test_unknown_host_gets_404_and_no_community_content(db, community_a):
    response = Client(HTTP_HOST="nobody.localhost").get("/")
    assert response.status_code == 404
    body = response.content.decode()
    assert "no Pista community at this address" in body
    assert community_a.name not in body


def test_spoofed_host_header_never_reaches_a_tenant(db, community_a):
    for host in ["alpha.localhost.evil.example", "evil.example", "ALPHA.localhost.", "127.0.0.1"]:
        response = Client(HTTP_HOST=host).get("/api/v1/community/")
        assert response.status_code in (400, 404), host
        assert community_a.name.encode() not in response.content


def test_host_lookup_is_case_insensitive_and_ignores_port(db, community_a):
    response = Client(HTTP_HOST="Alpha.Localhost:8000").get("/api/v1/community/")
    assert response.status_code == 200
    assert response.json()["name"] == community_a.name


def test_suspended_community_answers_503_and_keeps_its_data(client_a, community_a, in_a):
    from core_apps.accounts.models import User

    users_before = User.objects.count()
    community_set_status(community=community_a, status="suspended")
    response = client_a.get("/")
    assert response.status_code == 503
    assert "temporarily unavailable" in response.content.decode().lower()
    assert client_a.get("/api/v1/community/").status_code == 503

    community_set_status(community=community_a, status="active")
    assert client_a.get("/").status_code == 200
    assert User.objects.count() == users_before
