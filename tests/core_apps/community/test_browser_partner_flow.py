"""A follower finds a lead for the tango course, asks, is accepted, and they chat —
in Chromium, against a real server on a community host.

pytest-django's ``live_server`` would force ``transactional_db``, whose flush
truncates the public schema's tenant tables; so this test runs its own server
thread and commits (then deletes) its own data instead.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from django_tenants.utils import schema_context

from core_apps.accounts.models import User
from tenants.models import Community
from tests.browser import chromium, wsgi_server
from tests.conftest import PASSWORD

from .conftest import member_create


@pytest.fixture
def server(django_db_setup, django_db_blocker) -> Iterator[str]:
    with django_db_blocker.unblock(), wsgi_server() as port:
        yield f"http://alpha.localhost:{port}"


@pytest.fixture
def dancers(django_db_blocker) -> Iterator[dict[str, User]]:
    """A follower and a lead in community alpha, committed, and deleted afterwards."""
    tag = uuid.uuid4().hex[:6]
    with django_db_blocker.unblock():
        alpha = Community.objects.get(slug="alpha")
        with schema_context(alpha.schema_name):
            follower = member_create(
                name="Flora Follow",
                styles=[{"style": "tango", "role": "follow", "level": 2}],
            )
            lead = member_create(
                name="Leandro Lead",
                styles=[{"style": "tango", "role": "lead", "level": 2}],
            )
            for user, email in ((follower, f"flora-{tag}@example.org"),
                                (lead, f"leandro-{tag}@example.org")):  # fmt: skip
                User.objects.filter(pk=user.pk).update(email=email)
                user.emailaddress_set.update(email=email)
                user.email = email
        try:
            yield {"follower": follower, "lead": lead}
        finally:
            with schema_context(alpha.schema_name):
                User.objects.filter(pk__in=[follower.pk, lead.pk]).delete()
                from django.contrib.sessions.models import Session

                for session in Session.objects.all():
                    if session.get_decoded().get("_auth_user_id") in {
                        str(follower.pk),
                        str(lead.pk),
                    }:
                        session.delete()


def log_in(page: Any, base: str, email: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", PASSWORD)
    page.press("input[name=password]", "Enter")
    page.wait_for_load_state()


@pytest.mark.browser
def test_follower_finds_a_lead_for_the_tango_course_and_they_chat(
    server: str, dancers: dict[str, User]
) -> None:
    from playwright.sync_api import expect

    follower, lead = dancers["follower"], dancers["lead"]
    with chromium() as browser:
        flora = browser.new_context().new_page()
        leandro = browser.new_context().new_page()
        for page in (flora, leandro):
            page.set_default_timeout(15_000)

        # The follower searches for a lead for tango.
        log_in(flora, server, follower.email)
        flora.goto(f"{server}/community/partners/")
        flora.select_option("select[name=style]", "tango")
        flora.select_option("select[name=role]", "lead")
        flora.click("#partner-search button[type=submit]")
        result = flora.locator(".result", has_text="Leandro Lead")
        expect(result).to_be_visible()
        assert follower.email not in flora.content() and lead.email not in flora.content()

        # ... opens the lead's profile and sends a partner request.
        result.get_by_role("link", name="Leandro Lead").click()
        flora.fill("#partner-request textarea[name=message]", "Tango course on Tuesdays?")
        flora.fill("#partner-request input[name=event_title]", "Tango course")
        flora.click("#partner-request button[type=submit]")
        expect(flora.get_by_text("Partner request sent.")).to_be_visible()

        # The lead accepts.
        log_in(leandro, server, lead.email)
        leandro.goto(f"{server}/community/requests/")
        incoming = leandro.locator(".incoming li", has_text="Flora Follow")
        expect(incoming).to_contain_text("Tango course on Tuesdays?")
        incoming.get_by_role("button", name="Accept").click()
        expect(leandro.get_by_text("Request accepted.")).to_be_visible()

        # ... and writes first.
        leandro.locator(".incoming li", has_text="Flora Follow").get_by_role(
            "link", name="Message"
        ).click()
        leandro.fill("#message-start textarea[name=body]", "Hola Flora! Tuesday works.")
        leandro.click("#message-start button[type=submit]")
        expect(leandro.locator(".messages-thread")).to_contain_text("Tuesday works.")

        # The follower reads it and answers; the lead sees the answer.
        flora.goto(f"{server}/community/messages/")
        flora.get_by_role("link", name="Leandro Lead").click()
        expect(flora.locator(".messages-thread")).to_contain_text("Hola Flora!")
        flora.fill("#message-send textarea[name=body]", "Perfect, see you there!")
        flora.click("#message-send button[type=submit]")
        expect(flora.locator(".messages-thread")).to_contain_text("see you there")
        leandro.reload()
        expect(leandro.locator(".messages-thread")).to_contain_text("Perfect, see you there!")
