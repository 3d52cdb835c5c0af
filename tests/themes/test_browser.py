"""Each theme's home page in Debian's Chromium: a screenshot saved under
``test-artifacts/`` and an axe-core audit with no serious or critical violation.

pytest-django's ``live_server`` would force ``transactional_db`` (whose flush
empties the session's communities), so the app is served here by Django's own
threaded WSGI server on a free port, reading data committed by the fixture.
"""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlparse

import pytest
from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler
from django.core.wsgi import get_wsgi_application
from django.db import connections
from django_tenants.utils import schema_context

from core_apps.accounts.services import roles_sync
from tenants.models import Community
from tenants.provisioning.services import community_theme_set
from tests.conftest import service_unavailable
from themes.registry import THEME_NAMES

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "tests" / "assets" / "axe.min.js"
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

pytestmark = pytest.mark.browser


class QuietHandler(WSGIRequestHandler):
    # One request per connection: a request thread (and its database
    # connection) never outlives the page load in a keep-alive wait.
    protocol_version = "HTTP/1.0"

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


class ClosingServer(ThreadedWSGIServer):
    """Closes each request thread's database connection when the thread ends, and
    waits for those threads on close, so the test database can be dropped."""

    daemon_threads = False
    block_on_close = True

    def process_request_thread(self, request, client_address) -> None:  # type: ignore[override]
        try:
            super().process_request_thread(request, client_address)
        finally:
            connections.close_all()


@pytest.fixture(autouse=True)
def _own_connections_closed() -> Iterator[None]:
    """Close the connections these tests opened outside pytest-django's own test
    transaction (committed fixtures data), so the test database can be dropped."""
    yield
    connections.close_all()


@pytest.fixture(scope="module")
def server(django_db_setup, django_db_blocker) -> Iterator[str]:
    with django_db_blocker.unblock():
        httpd = ClosingServer(("127.0.0.1", 0), QuietHandler)
        httpd.set_app(get_wsgi_application())
        thread = threading.Thread(target=httpd.serve_forever, daemon=True)
        thread.start()
        try:
            yield f"{httpd.server_address[1]}"
        finally:
            httpd.shutdown()
            httpd.server_close()


@pytest.fixture(scope="module")
def showcase(server, django_db_blocker) -> Iterator[Community]:
    """Alpha with a menu page and a few home page sections, committed; undone after."""
    from wagtail.models import Site

    from cms.models import HomePage, StandardPage

    with django_db_blocker.unblock():
        community = Community.objects.get(slug="alpha")
        original_theme = community.theme
        with schema_context(community.schema_name):
            # Role permissions as after a deploy's migrations (the settings'
            # permissions are newer than the session's communities may be).
            roles_sync()
            home = HomePage.objects.get(pk=Site.objects.get(is_default_site=True).root_page_id)
            about = StandardPage(title="About us", slug="about-showcase", show_in_menus=True)
            home.add_child(instance=about)
            about.save_revision().publish()
            home.intro = "<p>Weekly classes, socials and a festival every spring.</p>"
            home.sections = [
                ("quote", {"quote": "The floor is always full.", "attribution": "A dancer"}),
                (
                    "call_to_action",
                    {
                        "heading": "Learn with us",
                        "text": "Beginners welcome every Tuesday.",
                        "button_label": "Read about us",
                        "page": about,
                        "url": "",
                    },
                ),
                (
                    "video",
                    {
                        "url": "https://www.youtube.com/watch?v=dQw4w9WgXcQ",
                        "title": "Last year's festival",
                        "poster": None,
                    },
                ),
            ]
            home.save_revision().publish()
        try:
            yield community
        finally:
            with schema_context(community.schema_name):
                StandardPage.objects.filter(slug="about-showcase").delete()
                home = HomePage.objects.get(pk=home.pk)
                home.intro = ""
                home.sections = []
                home.save_revision().publish()
            community.refresh_from_db()
            community_theme_set(community=community, theme=original_theme)
            connections.close_all()


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    if not Path(CHROMIUM).exists() or shutil.which("chromium") is None:
        service_unavailable("Debian's chromium is not installed (make chromium)")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop in this thread, which Django takes
    # for an async context; no Django code runs on that loop.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


def axe_serious_violations(page) -> list[str]:
    """Run axe-core on the page; describe its serious and critical violations."""
    page.add_script_tag(path=str(AXE))
    results = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{violation['id']} ({violation['impact']}): "
        + "; ".join(str(node["target"][0]) for node in violation["nodes"][:3])
        for violation in results["violations"]
        if violation["impact"] in ("serious", "critical")
    ]


@pytest.mark.parametrize("theme", sorted(THEME_NAMES))
def test_each_themes_home_page_has_no_serious_accessibility_violations(
    theme, server, showcase, browser, django_db_blocker
):
    with django_db_blocker.unblock():
        community_theme_set(community=showcase, theme=theme)
        base = f"http://alpha.localhost:{server}"
        # bypass_csp: the page's CSP (rightly) refuses the injected axe-core script.
        page = browser.new_page(viewport={"width": 1280, "height": 900}, bypass_csp=True)
        hosts: set[str] = set()
        page.on("request", lambda request: hosts.add(urlparse(request.url).netloc))
        try:
            response = page.goto(base + "/", wait_until="networkidle")
            assert response is not None and response.status == 200
            assert page.locator("html").get_attribute("data-theme") == theme
            ARTIFACTS.mkdir(exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / f"theme-{theme}.png"), full_page=True)
            page.set_viewport_size({"width": 390, "height": 844})
            page.screenshot(path=str(ARTIFACTS / f"theme-{theme}-mobile.png"), full_page=True)

            # The video facade makes no third-party request before the click.
            assert page.locator("iframe").count() == 0
            assert hosts == {f"alpha.localhost:{server}"}, hosts

            serious = axe_serious_violations(page)
            # The rest of the site wears the theme too: an account page and a 404.
            for path, status in [("/accounts/login/", 200), ("/no-such-page/", 404)]:
                other = page.goto(base + path, wait_until="networkidle")
                assert other is not None and other.status == status
                assert page.locator("html").get_attribute("data-theme") == theme
                serious += [f"{path}: {line}" for line in axe_serious_violations(page)]
        finally:
            page.close()
    assert not serious, f"axe-core on the {theme} theme:\n" + "\n".join(serious)
    assert (ARTIFACTS / f"theme-{theme}.png").stat().st_size > 10_000


def test_the_video_player_loads_only_after_a_click_and_consent(
    server, showcase, browser, django_db_blocker
):
    with django_db_blocker.unblock():
        community_theme_set(community=showcase, theme="studio")
        page = browser.new_page()
        external: list[str] = []

        def keep_local(route) -> None:
            host = urlparse(route.request.url).hostname or ""
            if host.endswith("localhost"):
                route.continue_()
            else:  # no request leaves this machine; note what would have
                external.append(route.request.url)
                route.abort()

        page.route("**/*", keep_local)
        try:
            page.goto(f"http://alpha.localhost:{server}/", wait_until="networkidle")
            assert page.locator("iframe").count() == 0
            assert external == []
            page.get_by_role("button", name="Play video: Last year's festival").click()
            # Without consent to embedded content, play asks first (themes/consent.js).
            assert page.locator("iframe").count() == 0
            assert external == []
            page.get_by_role("button", name="Allow videos and play").click()
            frame = page.locator("iframe.video__frame")
            frame.wait_for(state="attached")
            assert frame.get_attribute("src") == (
                "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ?autoplay=1"
            )
            assert frame.get_attribute("title") == "Play video: Last year's festival"
            page.wait_for_timeout(200)
            assert any("youtube-nocookie.com" in url for url in external)
        finally:
            page.close()


def test_an_owner_picks_a_theme_and_colours_in_the_admin_and_the_home_page_changes(
    server, showcase, browser, django_db_blocker
):
    from allauth.mfa.models import Authenticator
    from wagtail.models import Site

    from core_apps.accounts.models import User
    from tests.conftest import PASSWORD, totp_code
    from themes.models import BrandingSettings

    base = f"http://alpha.localhost:{server}"
    secret = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
    with django_db_blocker.unblock():
        community_theme_set(community=showcase, theme="salon")
        with schema_context(showcase.schema_name):
            # Owners sign in with a second factor.
            totp = Authenticator.objects.create(
                user=User.objects.get(email="owner@alpha.example"),
                type=Authenticator.Type.TOTP,
                data={"secret": secret},
            )
        page = browser.new_page()
        try:
            page.goto(base + "/accounts/login/")
            page.get_by_label("Email").fill("owner@alpha.example")
            page.get_by_label("Password").fill(PASSWORD)
            page.locator("form button[type=submit]").last.click()
            page.wait_for_load_state("networkidle")
            assert page.url.endswith("/accounts/2fa/authenticate/"), page.url
            page.fill("#id_code", totp_code(secret))
            page.locator("form button[type=submit]").last.click()
            page.wait_for_load_state("networkidle")

            page.goto(base + "/cms/theme/")
            page.get_by_label("Festival — bold, for weekenders and socials").check()
            page.get_by_role("button", name="Use this theme").click()
            page.wait_for_load_state("networkidle")
            assert "Your whole site uses it now" in page.content()

            with schema_context(showcase.schema_name):
                site_id = Site.objects.get(is_default_site=True).pk
            page.goto(f"{base}/cms/settings/themes/brandingsettings/{site_id}/")
            assert page.url.endswith(f"/{site_id}/"), page.url
            page.get_by_label("Primary colour").fill("hsl(48 100% 60%)")
            page.get_by_role("button", name="Save").first.click()
            page.wait_for_load_state("networkidle")

            page.goto(base + "/")
            assert page.locator("html").get_attribute("data-theme") == "festival"
            primary = page.evaluate(
                "getComputedStyle(document.documentElement)"
                ".getPropertyValue('--pista-color-primary').trim()"
            )
            assert primary == "#ffd633"
            page.screenshot(path=str(ARTIFACTS / "admin-picked-festival.png"), full_page=True)
        finally:
            page.close()
            with schema_context(showcase.schema_name):
                BrandingSettings.objects.update(primary_colour="")
                totp.delete()
