"""The pages this part owns pass axe-core with no serious or critical violation
on every theme: the onboarding checklist and its payments page (owner), the
notification settings and the admin's 403 page (member), the digest's
unsubscribe page (anyone). Screenshots under ``test-artifacts/``."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.db import connections
from django_tenants.utils import schema_context

from tenants.models import Community
from tenants.provisioning.services import community_theme_set
from tests.conftest import PASSWORD, totp_code
from tests.themes.test_browser import (  # noqa: F401 - fixtures
    axe_serious_violations,
    browser,
    server,
)
from themes.registry import THEME_NAMES

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXR"

pytestmark = pytest.mark.browser


@pytest.fixture
def people(server, django_db_blocker):  # noqa: F811
    from allauth.mfa.models import Authenticator

    from core_apps.accounts.models import User
    from core_apps.community.mail import digest_unsubscribe_token
    from core_apps.privacy.models import AuditEntry
    from tests.factories import UserFactory

    with django_db_blocker.unblock():
        community = Community.objects.get(slug="alpha")
        original_theme = community.theme
        with schema_context(community.schema_name):
            # The sign-ins below are committed: their audit entries go afterwards.
            audit_mark = AuditEntry.objects.order_by("-pk").values_list("pk", flat=True).first()
            owner = User.objects.get(email="owner@alpha.example")
            totp = Authenticator.objects.create(
                user=owner, type=Authenticator.Type.TOTP, data={"secret": SECRET}
            )
            member = UserFactory(email="axe-member@example.org")
            token = digest_unsubscribe_token(user=member)
        try:
            yield {"community": community, "token": token}
        finally:
            with schema_context(community.schema_name):
                totp.delete()
                User.objects.filter(pk=member.pk).delete()
                AuditEntry.objects.filter(pk__gt=audit_mark or 0).delete()
            community.refresh_from_db()
            community_theme_set(community=community, theme=original_theme)
            connections.close_all()


def sign_in(page, base: str, email: str, *, secret: str = "") -> None:
    page.goto(base + "/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.locator("form button[type=submit]").last.click()
    page.wait_for_load_state("networkidle")
    if secret:
        page.fill("#id_code", totp_code(secret))
        page.locator("form button[type=submit]").last.click()
        page.wait_for_load_state("networkidle")


def test_onboarding_and_member_pages_have_no_serious_accessibility_violations(
    server,  # noqa: F811
    browser,  # noqa: F811
    people,
    django_db_blocker,
):
    ARTIFACTS.mkdir(exist_ok=True)
    base = f"http://alpha.localhost:{server}"
    findings: list[str] = []
    with django_db_blocker.unblock():
        # axe-core is injected as an inline script: these contexts let it in.
        owner = browser.new_context(bypass_csp=True)
        member = browser.new_context(bypass_csp=True)
        anonymous = browser.new_context(bypass_csp=True)
        try:
            owner_page, member_page, anonymous_page = (
                owner.new_page(),
                member.new_page(),
                anonymous.new_page(),
            )
            sign_in(owner_page, base, "owner@alpha.example", secret=SECRET)
            sign_in(member_page, base, "axe-member@example.org")
            visits = [
                (owner_page, "/onboarding/", 200),
                (owner_page, "/onboarding/payments/", 200),
                (member_page, "/community/notifications/", 200),
                (member_page, "/cms/", 403),
                (anonymous_page, f"/community/notifications/unsubscribe/{people['token']}/", 200),
            ]
            for theme in sorted(THEME_NAMES):
                community_theme_set(community=people["community"], theme=theme)
                for page, path, status in visits:
                    response = page.goto(base + path)
                    assert response is not None and response.status == status, (path, theme)
                    name = path.strip("/").split("/unsubscribe/")[0].replace("/", "-")
                    page.screenshot(path=str(ARTIFACTS / f"{theme}-{name}.png"), full_page=True)
                    findings += [f"{theme} {path}: {v}" for v in axe_serious_violations(page)]
        finally:
            owner.close()
            member.close()
            anonymous.close()
    assert not findings, "\n".join(findings)
