from __future__ import annotations

import time

import pytest
from django.core import mail, signing
from django.test import Client
from django.utils import translation
from django_tenants.utils import schema_context, schema_exists

from core_apps.accounts.models import User
from tenants.models import Community, SpareSchema
from tenants.provisioning.forms import FORM_TIMESTAMP_SALT
from tenants.provisioning.spares import spare_schemas_drain, spare_schemas_refill
from tests.conftest import totp_activate

PASSWORD = "a-long-enough-passphrase-9"


def signup_data(**overrides: object) -> dict[str, object]:
    data = {
        "name": "Kizomba Kollektiv",
        "slug": "kizomba",
        "owner_email": "Founder@Example.org",
        "password": PASSWORD,
        "dance_styles": ["kizomba", "zouk"],
        "language": "de",
        "currency": "EUR",
        "time_zone": "Europe/Berlin",
        "website": "",
        "rendered_at": signing.dumps(time.time() - 30, salt=FORM_TIMESTAMP_SALT),
    }
    data.update(overrides)
    return data


def test_signup_page_is_served_on_the_platform_host(platform_client):
    response = platform_client.get("/start/")
    assert response.status_code == 200
    assert b'name="slug"' in response.content
    assert b'name="website"' in response.content  # the honeypot


def test_slug_check_says_available_taken_with_suggestions_or_invalid(platform_client, community_a):
    free = platform_client.get("/start/slug-check/", {"slug": "fresh-salsa"}).json()
    assert free == {"available": True, "message": "fresh-salsa is available.", "suggestions": []}

    taken = platform_client.get("/start/slug-check/", {"slug": "Alpha"}).json()
    assert taken["available"] is False
    assert taken["message"] == "alpha is already taken."
    assert taken["suggestions"] == ["alpha-club", "alpha-dance", "alpha-community"]

    for bad in ["salsa-", "www", "a b"]:
        body = platform_client.get("/start/slug-check/", {"slug": bad}).json()
        assert body["available"] is False
        assert body["suggestions"] == []


@pytest.mark.parametrize("spares", [0, 1], ids=["cloned", "from-the-spare-pool"])
def test_signup_provisions_the_community_and_signs_the_owner_in_on_its_host(
    platform_client, django_capture_on_commit_callbacks, spares
):
    spare_schemas_drain()
    spare_schemas_refill(target_size=spares)
    response = platform_client.post("/start/", signup_data())
    assert response.status_code == 302
    welcome_url = response["Location"]
    assert welcome_url.startswith("http://kizomba.localhost:8000/welcome/")

    community = Community.objects.get(slug="kizomba")
    assert community.language == "de"
    assert community.dance_styles == ["kizomba", "zouk"]
    assert not SpareSchema.objects.exists()

    community_client = Client(HTTP_HOST="kizomba.localhost")
    # The verification email follows the welcome through the outbox.
    with django_capture_on_commit_callbacks(execute=True):
        landed = community_client.get(welcome_url.split(":8000")[1], follow=True)
    # Owners need two-factor authentication before any staff page, onboarding included.
    assert landed.redirect_chain[-1][0] == "/accounts/2fa/?next=%2Fonboarding%2F"
    totp_activate(community_client, password=signup_data()["password"])
    landed = community_client.get("/onboarding/")
    assert landed.status_code == 200
    page = landed.content.decode()
    # The community was started in German: its onboarding speaks German.
    assert '<html lang="de"' in page
    with translation.override("de"):
        for step in [
            "Choose a theme",
            "Upload a logo",
            "Publish your first event",
            "Set up payments",
            "Add your own domain",
        ]:
            assert translation.gettext(step) != step and translation.gettext(step) in page
    with schema_context("kizomba"):
        owner = User.objects.get(email="founder@example.org")
        assert community_client.session["_auth_user_id"] == str(owner.pk)
        assert owner.emailaddress_set.get().verified is False
    assert [message.to for message in mail.outbox] == [["founder@example.org"]]
    assert "Kizomba Kollektiv" in mail.outbox[0].subject + mail.outbox[0].body
    home = Client(HTTP_HOST="kizomba.localhost").get("/")
    assert home.status_code == 200
    assert "Tanz mit Kizomba Kollektiv" in home.content.decode()

    # The one-time link doesn't work twice, nor on another community's host.
    again = Client(HTTP_HOST="kizomba.localhost").get(welcome_url.split(":8000")[1])
    assert again.status_code == 302
    assert again["Location"].startswith("/accounts/login/")


def test_welcome_link_of_one_community_does_not_sign_in_on_another(platform_client, client_a):
    welcome_url = platform_client.post("/start/", signup_data())["Location"]
    response = client_a.get(welcome_url.split(":8000")[1])
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert "_auth_user_id" not in client_a.session


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"slug": "alpha"}, "slug", "already taken"),
        ({"slug": "ALPHA"}, "slug", "already taken"),
        ({"slug": "salsa-"}, "slug", "Invalid slug"),
        ({"slug": "admin"}, "slug", "reserved"),
        ({"password": "password123"}, "password", "too common"),
        ({"owner_email": "nobody"}, "owner_email", "valid email"),
        ({"dance_styles": ["moonwalk"]}, "dance_styles", "valid choice"),
        ({"time_zone": "Mars/Olympus"}, "time_zone", "valid choice"),
    ],
)
def test_bad_signups_get_a_clear_message_and_leave_nothing_behind(
    platform_client, community_a, overrides, field, message
):
    communities = Community.objects.count()
    response = platform_client.post("/start/", signup_data(**overrides))
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert message in " ".join(errors[field]), errors
    assert Community.objects.count() == communities
    assert not schema_exists("kizomba")


def test_honeypot_or_instant_submission_is_refused(platform_client):
    filled = platform_client.post("/start/", signup_data(website="http://spam.example"))
    instant = platform_client.post(
        "/start/", signup_data(rendered_at=signing.dumps(time.time(), salt=FORM_TIMESTAMP_SALT))
    )
    forged = platform_client.post("/start/", signup_data(rendered_at="12345"))
    for response in (filled, instant, forged):
        assert response.status_code == 400
    assert not Community.objects.filter(slug="kizomba").exists()


def test_signups_are_rate_limited_per_ip(platform_client, community_a):
    statuses = [
        platform_client.post("/start/", signup_data(slug="alpha")).status_code for _ in range(6)
    ]
    assert statuses[:5] == [400] * 5
    assert statuses[5] == 429
    other_ip = platform_client.post("/start/", signup_data(slug="alpha"), REMOTE_ADDR="10.1.2.3")
    assert other_ip.status_code == 400


def test_onboarding_is_for_owners_and_admins_only(client_a, community_a):
    from tests.conftest import login
    from tests.factories import UserFactory

    assert client_a.get("/onboarding/").status_code == 302
    with schema_context(community_a.schema_name):
        member = UserFactory()
    login(client_a, community_a, member)
    assert client_a.get("/onboarding/").status_code == 404


def test_owner_picks_theme_and_colours_on_onboarding_and_the_site_follows(client_a, community_a):
    from tests.conftest import login

    login(client_a, community_a, email="owner@alpha.example")
    before = client_a.get("/").content.decode()
    response = client_a.post(
        "/onboarding/",
        {
            "theme": "studio",
            "primary_colour": "#1d4ed8",
            "background_colour": "#ffffff",
            "text_colour": "#111111",
        },
    )
    assert response.status_code == 302
    community_a.refresh_from_db()
    assert community_a.theme == "studio"
    assert community_a.theme_chosen is True
    after = client_a.get("/").content.decode()
    assert "--pista-color-primary:#1d4ed8" in after.replace(" ", "")
    assert "themes/studio/theme.css" in after
    assert "themes/studio/theme.css" not in before
    checklist = client_a.get("/onboarding/").content.decode()
    assert 'class="done" data-step="theme"' in checklist


def test_onboarding_refuses_colours_that_fail_contrast_and_changes_nothing(client_a, community_a):
    from tests.conftest import login

    login(client_a, community_a, email="owner@alpha.example")
    theme_before = community_a.theme
    response = client_a.post(
        "/onboarding/",
        {
            "theme": "studio",
            "primary_colour": "#1d4ed8",
            "background_colour": "#ffffff",
            "text_colour": "#dddddd",
        },
    )
    assert response.status_code == 400
    errors = " ".join(response.context["look_form"].non_field_errors())
    assert "contrast ratio" in errors
    community_a.refresh_from_db()
    assert community_a.theme == theme_before
    assert community_a.theme_chosen is False
