"""Which language a request is answered in: URL, the visitor's choice,
Accept-Language, the community's default — only among its enabled languages."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.conftest import community_host, login
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def spanish_a(community_a):
    """Community A speaks Spanish by default and also offers German."""
    community_a.language = "es"
    community_a.languages = ["de"]
    community_a.save(update_fields=["language", "languages"])
    return community_a


def _language(response) -> str:
    assert response.status_code == 200, response.status_code
    return response["Content-Language"]


def test_a_community_answers_in_its_default_language(spanish_a, client_a):
    response = client_a.get("/accounts/login/")
    assert _language(response) == "es"
    assert b'<html lang="es"' in response.content
    assert "Accept-Language" in response["Vary"]


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("de-AT,de;q=0.9,en;q=0.5", "de"),
        ("fr-FR,fr;q=0.9", "es"),  # French is not offered: the default
        ("en-GB,en;q=0.9", "es"),  # nor is English here
        ("%%%;q=abc,,;;", "es"),  # malformed
        ("x" * 5000, "es"),  # oversized
    ],
)
def test_accept_language_is_honoured_among_the_enabled_languages(
    spanish_a, client_a, header, expected
):
    assert _language(client_a.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE=header)) == expected


@pytest.mark.parametrize(
    ("code", "expected"), [("de", "de"), ("DE-ch", "de"), ("xx", "es"), ("<script>", "es")]
)
def test_a_language_in_the_url_wins_when_offered(spanish_a, client_a, code, expected):
    response = client_a.get("/accounts/login/", {"lang": code}, HTTP_ACCEPT_LANGUAGE="es")
    assert _language(response) == expected


def test_a_visitors_choice_is_kept_in_a_cookie_only_after_the_click(spanish_a, client_a):
    assert "pista_language" not in client_a.get("/accounts/login/").cookies
    response = client_a.post("/language/", {"language": "de", "next": "/accounts/login/"})
    assert response.status_code == 302 and response["Location"] == "/accounts/login/"
    assert response.cookies["pista_language"].value == "de"
    assert response.cookies["pista_language"]["max-age"] == ""  # for the browser session
    assert _language(client_a.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="es")) == "de"


def test_a_language_the_community_does_not_offer_is_not_kept(spanish_a, client_a):
    response = client_a.post("/language/", {"language": "fr", "next": "/accounts/login/"})
    assert response.status_code == 302
    assert "pista_language" not in response.cookies
    assert _language(client_a.get("/accounts/login/")) == "es"


def test_the_switcher_never_redirects_to_another_site(spanish_a, client_a):
    response = client_a.post("/language/", {"language": "de", "next": "https://evil.example/"})
    assert response["Location"] == "/"


def test_a_members_choice_lives_in_the_session(spanish_a, client_a, in_a):
    member = UserFactory()
    login(client_a, spanish_a, member)
    response = client_a.post("/language/", {"language": "de", "next": "/privacy/"})
    assert "pista_language" not in response.cookies
    assert _language(client_a.get("/privacy/")) == "de"


def test_another_communitys_languages_do_not_apply(spanish_a, community_b):
    # B offers only English: a German cookie (from A, or forged) falls back to English.
    client = Client(HTTP_HOST=community_host(community_b))
    client.cookies["pista_language"] = "de"
    assert _language(client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="es")) == "en"


def test_the_platform_host_offers_every_language(platform_client):
    assert _language(platform_client.get("/", HTTP_ACCEPT_LANGUAGE="de")) == "de"
    assert _language(platform_client.get("/")) == "en"
