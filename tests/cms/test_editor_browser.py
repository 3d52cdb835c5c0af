"""The Wagtail page editor works with the Content-Security-Policy enforced: a
staff member opens the home page in the editor, writes rich text, chooses an
image and a page, sets a date with the date picker and publishes, and the
browser reports no CSP violation on the way."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from django.core.files.images import ImageFile
from django.db import connections
from django_tenants.utils import schema_context
from PIL import Image as PILImage

from tenants.models import Community
from tests.conftest import PASSWORD, totp_code
from tests.themes.test_browser import browser, server  # noqa: F401 - fixtures

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXQ"

pytestmark = pytest.mark.browser

# Collects every violation the page reports (installed before any page script).
CSP_LISTENER = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(
    event.violatedDirective + " " + (event.blockedURI || "inline") + " " +
    (event.sourceFile || "") + ":" + event.lineNumber
  );
});
"""


@pytest.fixture
def editor_world(server, django_db_blocker):  # noqa: F811 - the imported fixture
    from allauth.mfa.models import Authenticator
    from wagtail.images.models import Image
    from wagtail.models import Site

    from cms.models import HomePage, StandardPage
    from core_apps.accounts.models import User
    from core_apps.accounts.services import roles_sync
    from core_apps.privacy.models import AuditEntry

    with django_db_blocker.unblock():
        community = Community.objects.get(slug="alpha")
        with schema_context(community.schema_name):
            roles_sync()
            # The sign-ins below are committed: their audit entries go afterwards.
            audit_mark = AuditEntry.objects.order_by("-pk").values_list("pk", flat=True).first()
            owner = User.objects.get(email="owner@alpha.example")
            totp = Authenticator.objects.create(
                user=owner, type=Authenticator.Type.TOTP, data={"secret": SECRET}
            )
            buffer = io.BytesIO()
            PILImage.new("RGB", (64, 48), (30, 120, 200)).save(buffer, format="PNG")
            image = Image(title="Editor test picture")
            image.file.save("editor-test.png", ImageFile(buffer, name="editor-test.png"))
            image.save()
            home = HomePage.objects.get(pk=Site.objects.get(is_default_site=True).root_page_id)
            target = StandardPage(title="Editor target page", slug="editor-target")
            home.add_child(instance=target)
            target.save_revision().publish()
            before = {
                "intro": home.intro,
                "hero_image": home.hero_image_id,
                "hero_cta_page": home.hero_cta_page_id,
            }
        try:
            yield {"community": community, "home": home, "image": image, "target": target}
        finally:
            with schema_context(community.schema_name):
                home = HomePage.objects.get(pk=home.pk)
                home.intro = before["intro"]
                home.hero_image_id = before["hero_image"]
                home.hero_cta_page_id = before["hero_cta_page"]
                home.go_live_at = None
                home.save_revision().publish()
                StandardPage.objects.filter(slug="editor-target").delete()
                Image.objects.filter(pk=image.pk).delete()
                totp.delete()
                AuditEntry.objects.filter(pk__gt=audit_mark or 0).delete()
            connections.close_all()


def test_the_page_editor_works_under_the_csp(server, browser, editor_world, django_db_blocker):  # noqa: F811
    from cms.models import HomePage

    ARTIFACTS.mkdir(exist_ok=True)
    base = f"http://alpha.localhost:{server}"
    home = editor_world["home"]
    with django_db_blocker.unblock():
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        context.add_init_script(CSP_LISTENER)
        page = context.new_page()
        page.set_default_timeout(20_000)
        console: list[str] = []
        page.on("console", lambda message: console.append(message.text))
        page.on("pageerror", lambda error: console.append(f"pageerror: {error}"))
        try:
            page.goto(base + "/accounts/login/")
            page.get_by_label("Email").fill("owner@alpha.example")
            page.get_by_label("Password").fill(PASSWORD)
            page.locator("form button[type=submit]").last.click()
            page.wait_for_load_state("networkidle")
            page.fill("#id_code", totp_code(SECRET))
            page.locator("form button[type=submit]").last.click()
            page.wait_for_load_state("networkidle")

            response = page.goto(f"{base}/cms/pages/{home.pk}/edit/")
            assert response is not None and response.status == 200
            csp = response.headers.get("content-security-policy", "")
            assert (
                "script-src" in csp
                and "'unsafe-inline'" not in csp.split("script-src")[1].split(";")[0]
            )
            page.wait_for_load_state("networkidle")

            # Rich text (Draftail).
            editor = page.locator("[data-contentpath=intro] [contenteditable=true]").first
            editor.click()
            page.keyboard.press("Control+End")
            page.keyboard.type(" Written in the editor.")

            # The image chooser.
            page.locator("[data-contentpath=hero_image] button", has_text="Choose an image").click()
            modal = page.locator(".modal-dialog")
            modal.get_by_role("link", name="Editor test picture").click()
            page.wait_for_selector("[data-contentpath=hero_image] .chooser__title", state="visible")
            assert (
                "Editor test picture"
                in page.locator("[data-contentpath=hero_image] .chooser__title").inner_text()
            )

            # The page chooser.
            page.locator(
                "[data-contentpath=hero_cta_page] button", has_text="Choose a page"
            ).click()
            modal = page.locator(".modal-dialog")
            modal.locator("a.navigate-pages[title*='Alpha Salsa']").first.click()
            modal.get_by_role("link", name="Editor target page").first.click()
            page.wait_for_selector(
                "[data-contentpath=hero_cta_page] .chooser__title", state="visible"
            )

            # The date picker (the schedule's go-live date), opened by focusing the field.
            page.get_by_role("button", name="Status").first.click()
            page.get_by_role("button", name="Set schedule").first.click()
            go_live = page.locator("input[name=go_live_at]")
            go_live.click()
            picker = page.locator(".xdsoft_datetimepicker:visible").first
            picker.wait_for(state="visible")
            # The first day of this month: the schedule lies in the past, so
            # publishing puts the page live at once.
            picker.locator(".xdsoft_date:not(.xdsoft_other_month)").filter(
                has_text=re.compile(r"^\s*1\s*$")
            ).first.click()
            chosen = go_live.input_value()
            assert re.fullmatch(r"\d{4}-\d{2}-01 \d{2}:\d{2}", chosen), chosen
            page.screenshot(path=str(ARTIFACTS / "cms-editor-schedule.png"))
            save_schedule = page.get_by_role("button", name="Save schedule").first
            save_schedule.evaluate("button => button.click()")  # the picker covers it
            page.wait_for_load_state("networkidle")

            # Publish.
            page.keyboard.press("Escape")  # the header menu the save left open
            page.locator("footer [data-w-dropdown-target=toggle]").first.click()
            # Wait for the publish POST's answer, not the editor page's own state.
            with page.expect_navigation(wait_until="networkidle", timeout=60_000):
                page.locator("footer button[name=action-publish]").click()
            page.screenshot(path=str(ARTIFACTS / "cms-editor-published.png"), full_page=True)

            violations = page.evaluate("window.__cspViolations") or []
            with schema_context(editor_world["community"].schema_name):
                published = HomePage.objects.get(pk=home.pk)
                assert published.hero_image_id == editor_world["image"].pk
                assert published.hero_cta_page_id == editor_world["target"].pk
                assert "Written in the editor." in published.intro
                assert published.go_live_at is not None
                assert published.go_live_at.day == 1
                assert published.live and not published.has_unpublished_changes
        finally:
            page.screenshot(path=str(ARTIFACTS / "cms-editor-last.png"), full_page=True)
            print("console:", console, "violations:", page.evaluate("window.__cspViolations"))
            (ARTIFACTS / "cms-editor-last.html").write_text(page.content(), encoding="utf-8")
            page.close()
            context.close()
    refused = [line for line in console if "Content Security Policy" in line or "pageerror" in line]
    assert not violations and not refused, (violations, refused)
