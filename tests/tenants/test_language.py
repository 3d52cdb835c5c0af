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


def test_without_consent_a_visitors_choice_lives_in_the_session(spanish_a, client_a):
    assert "pista_language" not in client_a.get("/accounts/login/").cookies
    response = client_a.post("/language/", {"language": "de", "next": "/accounts/login/"})
    assert response.status_code == 302 and response["Location"] == "/accounts/login/"
    assert "pista_language" not in response.cookies
    assert _language(client_a.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="es")) == "de"


def test_with_consent_a_visitors_choice_is_kept_in_a_cookie(spanish_a, client_a):
    response = client_a.post(
        "/language/", {"language": "de", "next": "/accounts/login/", "remember": "1"}
    )
    assert response.cookies["pista_language"].value == "de"
    assert response.cookies["pista_language"]["max-age"] == 365 * 24 * 3600
    assert response.cookies["pista_language"]["httponly"]
    fresh = Client(HTTP_HOST=community_host(spanish_a))  # a new browser session
    fresh.cookies["pista_language"] = "de"
    assert _language(fresh.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="es")) == "de"


def test_withdrawn_consent_removes_the_cookie(spanish_a, client_a):
    client_a.cookies["pista_language"] = "de"
    response = client_a.post("/language/", {"language": "es", "next": "/accounts/login/"})
    assert response.cookies["pista_language"].value == ""  # deleted
    assert _language(client_a.get("/accounts/login/")) == "es"


def test_a_language_the_community_does_not_offer_is_not_kept(spanish_a, client_a):
    response = client_a.post("/language/", {"language": "fr", "next": "/accounts/login/"})
    assert response.status_code == 302
    assert "pista_language" not in response.cookies
    assert _language(client_a.get("/accounts/login/")) == "es"


def test_the_switcher_never_redirects_to_another_site(spanish_a, client_a):
    response = client_a.post("/language/", {"language": "de", "next": "https://evil.example/"})
    assert response["Location"] == "/"


def test_a_members_choice_lives_in_the_session_and_their_account(spanish_a, client_a, in_a):
    member = UserFactory()
    login(client_a, spanish_a, member)
    response = client_a.post("/language/", {"language": "de", "next": "/privacy/"})
    assert "pista_language" not in response.cookies
    assert _language(client_a.get("/privacy/")) == "de"
    member.refresh_from_db()
    assert member.language == "de"
    client_a.post("/language/", {"language": "fr", "next": "/privacy/"})  # not offered
    member.refresh_from_db()
    assert member.language == "de"


def test_the_switcher_shows_each_language_in_its_own_name(spanish_a, client_a):
    html = client_a.get("/accounts/login/?lang=de&x=1").content.decode()
    assert '<html lang="de"' in html
    assert 'action="/language/"' in html and "csrfmiddlewaretoken" in html
    assert 'name="next" value="/accounts/login/?x=1"' in html  # without ?lang=
    assert 'value="de" lang="de" aria-current="true">Deutsch</button>' in html
    assert 'value="es" lang="es">Español</button>' in html
    assert 'value="en"' not in html  # not offered here


def test_no_switcher_where_one_language_is_offered(community_b, client_b):
    html = client_b.get("/accounts/login/").content.decode()
    assert '<html lang="en"' in html
    assert "data-language-switcher" not in html


def test_the_back_office_has_the_switcher(spanish_a, client_a, in_a):
    from tests.core_apps.events.factories import organizer_create

    login(client_a, spanish_a, organizer_create())
    html = client_a.get("/manage/", HTTP_ACCEPT_LANGUAGE="de", follow=True).content.decode()
    assert '<html lang="de"' in html
    assert 'value="de" lang="de" aria-current="true">Deutsch</button>' in html


def test_the_platform_host_offers_every_language_in_the_switcher(platform_client):
    html = platform_client.get("/accounts/login/", {"lang": "es"}).content.decode()
    assert '<html lang="es"' in html
    for code, name in (("en", "English"), ("es", "Español"), ("de", "Deutsch")):
        assert f'value="{code}" lang="{code}"' in html and name in html


def test_another_communitys_languages_do_not_apply(spanish_a, community_b):
    # B offers only English: a German cookie (from A, or forged) falls back to English.
    client = Client(HTTP_HOST=community_host(community_b))
    client.cookies["pista_language"] = "de"
    assert _language(client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="es")) == "en"


def test_the_platform_host_offers_every_language(platform_client):
    assert _language(platform_client.get("/", HTTP_ACCEPT_LANGUAGE="de")) == "de"
    assert _language(platform_client.get("/")) == "en"


@pytest.mark.parametrize("default", ["fr", "", "<b>", "zz-ZZ"])
def test_a_default_that_is_not_enabled_falls_back(community_a, client_a, default):
    community_a.language = default
    community_a.languages = ["de"]
    community_a.save(update_fields=["language", "languages"])
    assert _language(client_a.get("/accounts/login/")) == "en"  # Pista's default
    assert _language(client_a.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="de")) == "de"
    community_a.languages = []
    community_a.save(update_fields=["languages"])
    assert _language(client_a.get("/accounts/login/", {"lang": "fr"})) == "en"


@pytest.mark.parametrize("cookie", ["xx", "de;", "\u00e9", "a" * 400, "en"])
def test_unknown_cookie_codes_are_ignored(spanish_a, client_a, cookie):
    client_a.cookies["pista_language"] = cookie
    assert _language(client_a.get("/accounts/login/")) == "es"


def test_a_switch_with_garbage_never_fails(spanish_a, client_a):
    for data in ({}, {"language": "x" * 1000}, {"language": "de", "next": "//evil.example"}):
        assert client_a.post("/language/", data).status_code == 302


@pytest.mark.parametrize(
    ("language", "first_day", "twelve_hour"), [("en", "Mon", True), ("de", "Mo", False)]
)
def test_the_calendar_starts_the_week_and_tells_the_time_as_the_locale_does(
    community_a, client_a, in_a, language, first_day, twelve_hour
):
    from bs4 import BeautifulSoup

    from tests.core_apps.events.factories import EventFactory

    community_a.language = "en"
    community_a.languages = ["de"]
    community_a.save(update_fields=["language", "languages"])
    event = EventFactory()
    month = event.starts_at.strftime("%Y-%m")
    response = client_a.get("/events/calendar/", {"month": month, "lang": language})
    page = BeautifulSoup(response.content, "html.parser")
    assert page.select("table.calendar thead th")[0].get_text(strip=True) == first_day
    entry = page.select_one("a.calendar-entry").get_text()
    assert ("PM" in entry) is twelve_hour
