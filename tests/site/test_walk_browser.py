"""Acceptance 1 and 2 of the community-site issue: from each demo community's
home page, by clicking only, a visitor reaches an event, checkout, their
tickets, the partner finder, a teacher, a venue, their profile and their
privacy page, on a desktop and on a 390 px phone. Every page reached passes
axe-core with no serious or critical violation; screenshots land in
``test-artifacts/walk/`` (git-ignored).

The demo communities are created in the test database by ``seed_demo``'s own
code (committed, as the server thread reads them) and dropped afterwards.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import connections

from tests.browser import chromium, wsgi_server

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "tests" / "assets" / "axe.min.js"
ARTIFACTS = ROOT / "test-artifacts" / "walk"
DEMO_SLUGS = ["salsa", "tango", "swing"]
VIEWPORTS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker) -> Iterator[None]:
    from tenants.models import Community
    from tenants.provisioning.demo import demo_seed

    with django_db_blocker.unblock():
        existed = set(Community.objects.filter(slug__in=DEMO_SLUGS).values_list("slug", flat=True))
        for _line in demo_seed():
            pass
        connections.close_all()
    try:
        yield
    finally:
        with django_db_blocker.unblock():
            for community in Community.objects.filter(slug__in=DEMO_SLUGS):
                if community.slug not in existed:
                    community.delete(force_drop=True)
            connections.close_all()


@pytest.fixture(scope="module")
def port(demo, django_db_blocker) -> Iterator[int]:
    with django_db_blocker.unblock(), wsgi_server() as port:
        yield port


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    # Playwright's sync API keeps an event loop in this thread, which Django takes
    # for an async context; no Django code runs on that loop.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with chromium() as browser:
            yield browser
    finally:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


class Walk:
    """Clicks through a site, auditing and photographing every page it reaches."""

    def __init__(self, page: Any, name: str) -> None:
        self.page = page
        self.name = name
        self.violations: list[str] = []
        self.step = 0

    def audit(self, label: str) -> None:
        self.page.wait_for_load_state("networkidle")
        assert self.page.url, label
        self.step += 1
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(
            path=str(ARTIFACTS / f"{self.name}-{self.step:02d}-{label}.png"), full_page=True
        )
        self.page.add_script_tag(path=str(AXE))
        results = self.page.evaluate(
            "async () => await axe.run(document, {resultTypes: ['violations']})"
        )
        for violation in results["violations"]:
            if violation["impact"] in ("serious", "critical"):
                targets = "; ".join(str(node["target"][0]) for node in violation["nodes"][:3])
                self.violations.append(
                    f"{label} {self.page.url}: {violation['id']} ({violation['impact']}): {targets}"
                )

    def menu(self) -> None:
        """Open the header menu when it is folded (phones)."""
        toggle = self.page.locator(".site-nav__toggle")
        if toggle.is_visible() and self.page.locator(".site-nav[open]").count() == 0:
            toggle.click()

    def main(self, label: str) -> None:
        self.menu()
        self.page.get_by_role("navigation", name="Main").get_by_role(
            "link", name=label, exact=True
        ).click()
        self.page.wait_for_load_state()

    def member(self, label: str) -> None:
        self.menu()
        account = self.page.get_by_role("navigation", name="Your account")
        if self.page.locator(".member-menu[open]").count() == 0:
            account.locator(".member-menu__toggle").click()
        account.get_by_role("link", name=label, exact=True).click()
        self.page.wait_for_load_state()


def _sign_in(walk: Walk, email: str) -> None:
    from tenants.demo import DEMO_PASSWORD

    walk.menu()
    walk.page.get_by_role("navigation", name="Your account").get_by_role(
        "link", name="Sign in"
    ).click()
    walk.page.wait_for_load_state()
    walk.page.fill("input[name=login]", email)
    walk.page.fill("input[name=password]", DEMO_PASSWORD)
    walk.page.press("input[name=password]", "Enter")
    walk.page.wait_for_load_state()


@pytest.mark.parametrize("viewport", sorted(VIEWPORTS))
@pytest.mark.parametrize("slug", DEMO_SLUGS)
def test_a_member_reaches_every_page_by_clicking_and_each_passes_axe(slug, viewport, port, browser):
    # bypass_csp only so that the injected axe-core script may run: the pages'
    # own scripts are static files under the normal policy.
    context = browser.new_context(viewport=VIEWPORTS[viewport], bypass_csp=True)
    page = context.new_page()
    walk = Walk(page, f"{slug}-{viewport}")
    try:
        response = page.goto(f"http://{slug}.localhost:{port}/")
        assert response is not None and response.status == 200
        walk.audit("home")

        # An event from the menu, then its checkout.
        walk.main("Events & classes")
        walk.audit("events")
        page.locator(".event-card h2 a").first.click()
        page.wait_for_load_state()
        walk.audit("event")
        _sign_in(walk, f"ana@{slug}.example")
        walk.audit("after-sign-in")
        # The menus themselves, opened (the member menu with the display name).
        walk.menu()
        account = page.get_by_role("navigation", name="Your account")
        account.locator(".member-menu__toggle").click()
        assert account.locator(".account-nav__user").inner_text() == "Ana"
        walk.audit("menus-open")
        account.locator(".member-menu__toggle").click()
        walk.main("Events & classes")
        page.locator(".event-card h2 a").first.click()
        page.wait_for_load_state()
        page.locator("a.buy").first.click()
        page.wait_for_load_state()
        assert "/orders/checkout/" in page.url
        walk.audit("checkout")

        walk.member("My tickets")
        walk.audit("my-tickets")

        walk.main("Partner finder")
        assert "/community/partners/" in page.url
        walk.audit("partner-finder")

        walk.main("Artists")
        walk.audit("artists")
        page.locator("main a[href^='/artists/']").first.click()
        page.wait_for_load_state()
        walk.audit("teacher")

        walk.main("Venues")
        walk.audit("venues")
        page.locator("main a[href^='/venues/']").first.click()
        page.wait_for_load_state()
        walk.audit("venue")

        walk.member("Profile")
        assert "/community/profile/" in page.url
        walk.audit("profile")

        walk.member("Privacy")
        assert "/privacy/" in page.url
        walk.audit("privacy")
    finally:
        context.close()
    assert walk.violations == []


ORGANIZER_SLUG = "salsa"
# The back office's own menu, in its order.
BACK_OFFICE_MENU = [
    "Dashboard",
    "Events",
    "Tickets & quotas",
    "Orders",
    "Promo codes",
    "Waitlists",
    "Check-in",
    "Payment settings",
    "Venues",
    "Artists",
]


def _back_office(walk: Walk, label: str) -> None:
    nav = walk.page.get_by_role("navigation", name="Back office")
    nav.get_by_role("link", name=label, exact=True).click()
    walk.page.wait_for_load_state()


def test_an_organizer_reaches_every_back_office_page_and_each_passes_axe(port, browser):
    # The demo owner has an authenticator app with the demo secret.
    from core_apps.accounts.demo import DEMO_TOTP_SECRET
    from tenants.demo import DEMO_PASSWORD, demo_owner_email
    from tests.conftest import totp_code

    context = browser.new_context(viewport=VIEWPORTS["desktop"], bypass_csp=True)
    page = context.new_page()
    walk = Walk(page, f"manage-{ORGANIZER_SLUG}")
    try:
        page.goto(f"http://{ORGANIZER_SLUG}.localhost:{port}/manage/")
        page.fill("input[name=login]", demo_owner_email(ORGANIZER_SLUG))
        page.fill("input[name=password]", DEMO_PASSWORD)
        page.press("input[name=password]", "Enter")
        page.wait_for_load_state()
        page.fill("#id_code", totp_code(DEMO_TOTP_SECRET))
        page.press("#id_code", "Enter")
        page.wait_for_load_state()
        assert "/manage/" in page.url, page.url

        for viewport in ("desktop", "phone"):
            page.set_viewport_size(VIEWPORTS[viewport])
            for label in BACK_OFFICE_MENU:
                _back_office(walk, label)
                assert "/manage/" in page.url, (label, page.url)
                walk.audit(f"{viewport}-{label.lower().replace(' & ', '-').replace(' ', '-')}")
            # The pages one click further: an order, a scanner, a new promo code.
            _back_office(walk, "Orders")
            page.locator("main table a[href*='/manage/orders/']").first.click()
            page.wait_for_load_state()
            walk.audit(f"{viewport}-order-detail")
            _back_office(walk, "Check-in")
            page.get_by_role("link", name="Open scanner").first.click()
            page.wait_for_load_state()
            walk.audit(f"{viewport}-scanner")
    finally:
        context.close()
    assert walk.violations == []


# Words of Pista's English interface that no Spanish page should show (whole
# words, any case). The tango demo's own content is written in Spanish.
ENGLISH_UI_WORDS = [
    "the", "and", "your", "you", "with", "sign in", "sign up", "log out", "order",
    "orders", "events", "event", "price", "register", "waitlist", "available",
    "places", "left", "privacy", "profile", "messages", "password", "confirm",
    "continue", "required", "bank transfer", "reference", "sold out", "my tickets",
    "partner finder", "artists", "venues", "upcoming", "free", "pay", "payment",
]  # fmt: skip
ENGLISH_PATTERN = re.compile(
    r"(?<![\w-])(" + "|".join(re.escape(w) for w in ENGLISH_UI_WORDS) + r")(?![\w-])",
    re.IGNORECASE,
)


def _english_on(page: Any, label: str) -> list[str]:
    text = page.evaluate("() => document.body.innerText")
    title = page.title()
    page_text = f"{title}\n{text}"
    found = []
    for match in ENGLISH_PATTERN.finditer(page_text):
        around = page_text[max(0, match.start() - 30) : match.end() + 30]
        found.append(f"{label}: {match.group(0)!r} in {around!r}")
    return found


def _submit_filled(page: Any, form: Any) -> None:
    """Tick the form's required boxes and send it."""
    for box in form.locator("input[type=checkbox][required]").all():
        box.check()
    form.locator("button[type=submit], input[type=submit]").last.click()
    page.wait_for_load_state()


def test_a_spanish_visitor_signs_up_and_buys_without_meeting_english(port, browser):
    from django.core import mail

    context = browser.new_context(viewport=VIEWPORTS["desktop"], locale="es-ES", bypass_csp=True)
    page = context.new_page()
    walk = Walk(page, "tango-es")
    base = f"http://tango.localhost:{port}"
    english: list[str] = []
    email = f"lucia.{os.getpid()}@tango.example"
    try:
        page.goto(base + "/")
        assert page.locator("html").get_attribute("lang") == "es"
        walk.audit("inicio")
        english += _english_on(page, "home")

        walk.menu()
        page.locator("a[href='/accounts/signup/']").first.click()
        page.wait_for_load_state()
        english += _english_on(page, "signup")
        walk.audit("registro")
        form = page.locator("main form").first
        form.locator("input[name=email]").fill(email)
        form.locator("input[name=password1]").fill("Milonga-2026-tanda!")
        form.locator("input[name=password2]").fill("Milonga-2026-tanda!")
        _submit_filled(page, form)
        english += _english_on(page, "verify")

        [message] = [m for m in mail.outbox if email in m.to]
        assert message.extra_headers["Content-Language"] == "es"
        link = re.search(r"https?://[^\s\"'<>]+/accounts/confirm-email/[^\s\"'<>]+", message.body)
        assert link, message.body
        page.goto(base + "/accounts/confirm-email/" + link.group(0).split("/confirm-email/")[1])
        page.wait_for_load_state()
        english += _english_on(page, "confirm-email")
        _submit_filled(page, page.locator("main form").first)
        english += _english_on(page, "signed-in")

        walk.menu()
        page.locator("nav a[href='/events/']").first.click()
        page.wait_for_load_state()
        english += _english_on(page, "events")
        page.locator(".event-card h2 a").first.click()
        page.wait_for_load_state()
        english += _english_on(page, "event")
        walk.audit("evento")
        page.locator("a.buy").first.click()
        page.wait_for_load_state()
        english += _english_on(page, "checkout")
        walk.audit("compra")
        form = page.locator("main form").first
        name = form.locator("input[name=name]")
        if name.count() and not name.input_value():
            name.fill("Lucía Fernández")
        for radio in form.locator("input[type=radio][name=role]").all()[:1]:
            radio.check()
        _submit_filled(page, form)
        assert "/orders/" in page.url, page.url
        english += _english_on(page, "order")
        walk.audit("pedido")
    finally:
        context.close()
    assert english == [], "\n".join(english)
    assert walk.violations == []


# English words of the back office's own interface (menus, headings, labels,
# buttons, table heads) that a German page must not show.
ENGLISH_BACK_OFFICE_WORDS = re.compile(
    r"(?<![\w-])(the|and|your|with|orders?|events|price|refund|waitlists?|promo codes?|"
    r"payment settings|view site|log out|dashboard|venues|artists|search|reset|"
    r"scan with camera|check in)(?![\w-])",
    re.IGNORECASE,
)
INTERFACE_TEXT = """() => Array.from(
  document.querySelectorAll("nav, h1, h2, h3, label, legend, button, th, .bo-actions")
).map((node) => node.innerText).join("\\n")"""


def test_a_german_organizer_runs_the_back_office_in_german(port, browser):
    # The Berlin salsa demo offers German beside English; a German browser gets it.
    from core_apps.accounts.demo import DEMO_TOTP_SECRET
    from tenants.demo import DEMO_PASSWORD, demo_owner_email
    from tests.conftest import totp_code

    context = browser.new_context(viewport=VIEWPORTS["desktop"], locale="de-DE", bypass_csp=True)
    page = context.new_page()
    walk = Walk(page, f"manage-{ORGANIZER_SLUG}-de")
    english: list[str] = []
    try:
        page.goto(f"http://{ORGANIZER_SLUG}.localhost:{port}/manage/")
        assert page.locator("html").get_attribute("lang") == "de"
        page.fill("input[name=login]", demo_owner_email(ORGANIZER_SLUG))
        page.fill("input[name=password]", DEMO_PASSWORD)
        page.press("input[name=password]", "Enter")
        page.wait_for_load_state()
        page.fill("#id_code", totp_code(DEMO_TOTP_SECRET))
        page.press("#id_code", "Enter")
        page.wait_for_load_state()
        assert "/manage/" in page.url, page.url

        def check(label: str) -> None:
            walk.audit(label)
            text = page.evaluate(INTERFACE_TEXT)
            english.extend(f"{label}: {m!r}" for m in ENGLISH_BACK_OFFICE_WORDS.findall(text))

        nav = page.get_by_role("navigation", name="Verwaltung")
        check("uebersicht")
        for href, label in [
            ("/manage/orders/", "bestellungen"),
            ("/manage/promo-codes/", "rabattcodes"),
            ("/manage/checkin/", "einlass"),
        ]:
            nav.locator(f"a[href='{href}']").click()
            page.wait_for_load_state()
            check(label)
        nav.locator("a[href='/manage/orders/']").click()
        page.wait_for_load_state()
        page.locator("main table a[href*='/manage/orders/']").first.click()
        page.wait_for_load_state()
        check("bestellung")
    finally:
        context.close()
    assert english == [], "\n".join(english)
    assert walk.violations == []
