"""The onboarding checklist: every step links to a page that works and is done
by doing it (state, not a tick); colour swatches are visible; after setting up
a second factor the owner is led back to the checklist; the notifications page
labels every switch."""

from __future__ import annotations

import io
import re
from html.parser import HTMLParser

from django.contrib.staticfiles import finders
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django_tenants.utils import schema_context
from PIL import Image

from tenants.models import Domain
from tests.conftest import PASSWORD, community_host, login, totp_activate
from tests.factories import UserFactory


class Checklist(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.steps: dict[str, dict[str, str]] = {}
        self._step = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if tag == "li" and "data-step" in values:
            self._step = values["data-step"]
            self.steps[self._step] = {"class": values.get("class", ""), "href": ""}
        elif tag == "a" and self._step and not self.steps[self._step]["href"]:
            self.steps[self._step]["href"] = values.get("href", "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "li":
            self._step = ""


def checklist(client: Client) -> dict[str, dict[str, str]]:
    response = client.get("/onboarding/")
    assert response.status_code == 200
    parser = Checklist()
    parser.feed(response.content.decode())
    return parser.steps


def png_file() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 20), (200, 30, 60)).save(buffer, format="PNG")
    return SimpleUploadedFile("logo.png", buffer.getvalue(), content_type="image/png")


def test_every_step_links_to_a_working_page_and_is_done_by_doing_it(
    client_a, community_a, settings, tmp_path
):
    settings.MEDIA_ROOT = str(tmp_path)
    login(client_a, community_a, email="owner@alpha.example")
    steps = checklist(client_a)
    assert set(steps) == {"theme", "logo", "event", "payments", "domain"}
    for key, step in steps.items():
        assert step["href"], key
        response = client_a.get(step["href"].split("#")[0], follow=True)
        assert response.status_code == 200, (key, step["href"], response.status_code)
    assert not any("done" in steps[key]["class"] for key in ["logo", "event", "payments", "domain"])

    # Doing each thing marks its step done.
    from wagtail.models import Site

    from core_apps.events.models import Event
    from core_apps.orders.models import PaymentSettings
    from tests.core_apps.events.factories import EventFactory
    from themes.models import BrandingSettings

    with schema_context(community_a.schema_name):
        event = EventFactory(status=Event.Status.DRAFT)
    assert "done" not in checklist(client_a)["event"]["class"]  # a draft is not published
    with schema_context(community_a.schema_name):
        Event.objects.filter(pk=event.pk).update(status=Event.Status.PUBLISHED)
        branding = BrandingSettings.for_site(Site.objects.get(is_default_site=True))
        branding.logo.save("logo.png", png_file())
        PaymentSettings.objects.create(stripe_account_id="acct_123")
    Domain.objects.create(domain="dance.alpha.example", tenant=community_a, is_primary=False)
    steps = checklist(client_a)
    for key in ["logo", "event", "payments", "domain"]:
        assert "done" in steps[key]["class"], key


def test_the_logo_step_opens_the_branding_form(client_a, community_a):
    login(client_a, community_a, email="owner@alpha.example")
    href = checklist(client_a)["logo"]["href"]
    page = client_a.get(href)
    assert page.status_code == 200
    assert 'name="logo"' in page.content.decode()


def test_the_onboarding_of_one_community_shows_its_own_state_only(
    client_a, client_b, community_a, community_b
):
    from core_apps.orders.models import PaymentSettings

    with schema_context(community_a.schema_name):
        PaymentSettings.objects.create(stripe_account_id="acct_alpha")
    login(client_a, community_a, email="owner@alpha.example")
    login(client_b, community_b, email="owner@beta.example")
    assert "done" in checklist(client_a)["payments"]["class"]
    assert "done" not in checklist(client_b)["payments"]["class"]


def test_colour_swatches_are_visible(client_a, community_a):
    login(client_a, community_a, email="owner@alpha.example")
    html = client_a.get("/onboarding/").content.decode()
    colours = re.findall(r'<input type="color"[^>]*value="(#[0-9a-f]{6})"', html)
    assert len(colours) == 3
    with open(finders.find("themes/layout.css"), encoding="utf-8") as css_file:
        css = css_file.read()
    rule = re.search(r'input\[type="color"\] \{([^}]*)\}', css).group(1)
    assert "block-size: 2.75rem" in rule and "inline-size: 4.5rem" in rule


def test_after_setting_up_two_factor_the_owner_is_led_back_to_onboarding(community_a):
    client = Client(HTTP_HOST=community_host(community_a))
    login(client, community_a, email="owner@alpha.example", mfa=False)
    response = client.get("/onboarding/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/2fa/?next=%2Fonboarding%2F"
    totp_activate(client, password=PASSWORD)
    codes = client.get("/accounts/2fa/recovery-codes/")
    assert codes.status_code == 200
    html = codes.content.decode()
    assert re.search(r'<a class="button" href="/onboarding/">', html), html[-2000:]
    assert client.get("/onboarding/").status_code == 200


def test_every_notification_switch_has_a_label(client_a, community_a):
    with schema_context(community_a.schema_name):
        member = UserFactory()
    login(client_a, community_a, member)
    html = client_a.get("/community/notifications/").content.decode()
    boxes = re.findall(r'<input type="checkbox"[^>]*>', html)
    assert len(boxes) >= 14
    ids = set(re.findall(r'\bid="([^"]+)"', html))
    for box in boxes:
        box_id = re.search(r'\bid="([^"]+)"', box).group(1)
        assert f'<label for="{box_id}"' in html, box
        for labelled_by in re.search(r'aria-labelledby="([^"]+)"', box).group(1).split():
            assert labelled_by in ids
