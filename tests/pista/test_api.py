from __future__ import annotations

from django_tenants.utils import schema_context

from core_apps.accounts.models import User
from tests.conftest import PASSWORD, login
from tests.factories import UserFactory


def owner_login(client, community) -> None:
    login(client, community, email=f"owner@{community.slug}.example", password=PASSWORD)


def test_community_endpoint_describes_the_host_community(client_a, client_b):
    body = client_a.get("/api/v1/community/").json()
    assert body == {
        "name": "Alpha Salsa",
        "slug": "alpha",
        "language": "en",
        "currency": "EUR",
        "time_zone": "Europe/Berlin",
        "primary_domain": "alpha.localhost",
    }
    assert client_b.get("/api/v1/community/").json()["name"] == "Beta Tango"


def test_community_endpoint_is_not_served_on_the_platform_host(platform_client):
    assert platform_client.get("/api/v1/community/").status_code == 404


def test_openapi_schema_and_docs_are_served(client_a):
    schema = client_a.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert schema.status_code == 200
    document = schema.json()
    assert document["openapi"].startswith("3.")
    assert "/api/v1/community/" in document["paths"]
    assert not any(path.startswith("/cms/") for path in document["paths"])
    docs = client_a.get("/api/v1/docs/")
    assert docs.status_code == 200
    assert b"swagger-ui" in docs.content
    assert b"cdn." not in docs.content  # assets are self-hosted


def test_owner_can_rename_the_community(client_a, community_a):
    owner_login(client_a, community_a)
    response = client_a.patch(
        "/api/v1/community/", {"name": "Alpha Salsa Club"}, content_type="application/json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["name"] == "Alpha Salsa Club"
    assert client_a.get("/api/v1/community/").json()["name"] == "Alpha Salsa Club"


def test_member_and_anonymous_cannot_change_the_community(client_a, community_a):
    anonymous = client_a.patch("/api/v1/community/", {"name": "X"}, content_type="application/json")
    assert anonymous.status_code == 403
    assert anonymous.json()["code"] == "permission_denied"

    with schema_context(community_a.schema_name):
        member = UserFactory()
    login(client_a, community_a, member)
    response = client_a.patch("/api/v1/community/", {"name": "X"}, content_type="application/json")
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"


def test_malformed_json_gets_400_with_code(client_a, community_a):
    owner_login(client_a, community_a)
    response = client_a.patch(
        "/api/v1/community/", '{"name": "unterminated', content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["code"] == "parse_error"
    assert "JSON" in response.json()["detail"]


def test_invalid_values_get_400_naming_the_field(client_a, community_a):
    owner_login(client_a, community_a)
    response = client_a.patch(
        "/api/v1/community/", {"time_zone": "Mars/Olympus"}, content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_time_zone"
    too_long = client_a.patch(
        "/api/v1/community/", {"name": "x" * 300}, content_type="application/json"
    )
    assert too_long.status_code == 400
    assert too_long.json()["code"] == "invalid"
    assert "name" in too_long.json()["errors"]


def test_wrong_accept_or_content_type_gets_a_json_4xx(client_a, community_a):
    html = client_a.get("/api/v1/community/", HTTP_ACCEPT="text/html")
    assert html.status_code == 406
    assert html.json()["code"] == "not_acceptable"
    owner_login(client_a, community_a)
    form = client_a.patch("/api/v1/community/", "name=X", content_type="text/plain")
    assert form.status_code == 415
    assert form.json()["code"] == "unsupported_media_type"


def test_unknown_api_path_gets_json_404(client_a):
    response = client_a.get("/api/v1/does-not-exist/")
    assert response.status_code == 404
    assert response.json() == {"code": "not_found", "detail": "No such API endpoint."}


def test_lists_are_paginated_by_default():
    from django.conf import settings

    assert settings.REST_FRAMEWORK["DEFAULT_PAGINATION_CLASS"].endswith("PageNumberPagination")
    assert settings.REST_FRAMEWORK["PAGE_SIZE"] == 50


def test_owner_exists_only_in_own_community(community_a, community_b):
    with schema_context(community_b.schema_name):
        assert not User.objects.filter(email="owner@alpha.example").exists()
