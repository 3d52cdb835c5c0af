"""Every email the app sends renders as HTML (never as escaped tags) with a
working link to the community's host, and a text part carrying the link too.

The first test finds every email template of the project and of allauth (each
``*/email/*_subject.txt``) and renders it through the themed layout with values
full of HTML-special characters; the others go through the real flows
(allauth's confirmation and reset, the digest, the platform host)."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from django.core import mail
from django.template import engines
from django.template.utils import get_app_template_dirs
from django.test import Client
from django.utils import timezone
from django_tenants.utils import schema_context

from core_apps.accounts.models import User
from tenants.current import community_url
from tenants.provisioning.services import community_theme_set
from tests.conftest import PASSWORD, community_host
from themes.mail import email_message_build

NAME = "O'Brien & <Co>"
ESCAPED_MARKUP = re.compile(
    r"&lt;/?(a|p|br|div|ul|li|strong|em|table)\b|&amp;(amp|lt|gt|#x27|quot);"
)


class Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []
        self.tags: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        if tag == "a":
            self.hrefs.extend(value for name, value in attrs if name == "href" and value)


def html_links(html: str) -> Links:
    parser = Links()
    parser.feed(html)
    parser.close()
    return parser


class Thing:
    """Stands for any object an email template reads: each attribute is another
    Thing, shown as a name full of HTML-special characters."""

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        if re.search(r"(_at|_until|_date|^date|^due|^expires)$", name):
            return timezone.now()
        if name.endswith("_minor"):  # amounts: 129.00 in the currency below
            return 12900
        if name == "currency":
            return "EUR"
        return Thing()

    def __str__(self) -> str:
        return NAME

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter([Thing()])


def email_template_prefixes() -> list[str]:
    """Every ``<app>/email/<name>`` the template loaders can find."""
    dirs: list[Path] = [Path(d) for d in get_app_template_dirs("templates")]
    for engine in engines.all():
        dirs.extend(Path(d) for d in getattr(engine, "template_dirs", []))
    prefixes = set()
    for directory in dirs:
        for subject in directory.glob("**/email/*_subject.txt"):
            relative = subject.relative_to(directory).as_posix()
            prefixes.add(relative.removesuffix("_subject.txt"))
    return sorted(prefixes)


def assert_renders(message, *, base_url: str, client: Client | None = None) -> list[str]:
    """The HTML part is real HTML with at least one absolute link to ``base_url``
    (working, where a client is given), nothing escaped twice or shown as
    tags; the text part is plain and carries the links too. Returns the links."""
    html = message.alternatives[0][0]
    assert message.alternatives[0][1] == "text/html"
    assert not ESCAPED_MARKUP.search(html), ESCAPED_MARKUP.search(html)
    parsed = html_links(html)
    assert {"html", "body", "a"} <= parsed.tags
    links = [href for href in parsed.hrefs if href.startswith(base_url + "/") or href == base_url]
    assert links, html
    text = message.body
    assert "&amp;" not in text and "&lt;" not in text and "&#x27;" not in text, text
    for link in links:
        assert link in text, (link, text)
    assert urlsplit(base_url).hostname not in message.subject, message.subject
    if client is not None:
        for link in links:
            response = client.get(urlsplit(link).path)
            assert response.status_code in (200, 302), (link, response.status_code)
    return links


def test_every_email_template_renders_as_html_with_a_link_and_no_escaped_markup(community_a, in_a):
    prefixes = email_template_prefixes()
    # The project's own emails and allauth's are all found.
    for expected in [
        "account/email/email_confirmation_signup",
        "account/email/password_reset_key",
        "mfa/email/totp_activated",
        "orders/email/tickets",
        "orders/email/refund",
        "community/email/notification_digest",
        "accounts/email/owner_invitation",
        "artists/email/booking_step",
        "venues/email/booking_step",
        "privacy/email/export_ready",
        "tenants/email/community_deletion",
        "cms/email/contact_submission",
    ]:
        assert expected in prefixes
    base_url = community_url(community=community_a)
    link = f"{base_url}/accounts/login/"
    context = {
        **{name: Thing() for name in ["order", "refund", "entry", "booking", "profile", "user"]},
        **{name: Thing() for name in ["position", "page", "notification", "export"]},
        "due": timezone.now(),
        "expires": timezone.now(),
        "positions": [Thing()],
        "notifications": [Thing()],
        "community": community_a,
        "count": 2,
        "amount": "12.50",
        "action": "accepted",
        "time_zone": "Europe/Berlin",
        "zone": "Europe/Berlin",
        "base_url": base_url,
        "email": "dancer@example.org",
        "code": "123456",
        "key": "KEY",
        **dict.fromkeys(
            ["link", "activate_url", "password_reset_url", "signup_url", "settings_link", "url"],
            link,
        ),
    }
    rendered = []
    for theme in ["salon", "festival", "studio"]:
        community_theme_set(community=community_a, theme=theme)
        community_a.refresh_from_db()
        for prefix in prefixes:
            message = email_message_build(
                template_prefix=prefix, context=context, to=["dancer@example.org"]
            )
            assert message.from_email == '"Alpha Salsa" <no-reply@pista.localhost>' or (
                message.from_email.startswith("Alpha Salsa <")
            ), message.from_email
            assert f'data-theme="{theme}"' in message.alternatives[0][0]
            assert_renders(message, base_url=base_url)
            rendered.append(prefix)
    assert len(rendered) == 3 * len(prefixes)


def test_the_signup_confirmation_has_a_working_link_and_the_communitys_name(client_a, community_a):
    response = client_a.post(
        "/accounts/signup/",
        {"email": "new@example.org", "password1": PASSWORD, "password2": PASSWORD},
    )
    assert response.status_code == 302
    message = mail.outbox[-1]
    base_url = community_url(community=community_a)
    links = assert_renders(message, base_url=base_url, client=client_a)
    assert any("/accounts/confirm-email/" in link for link in links)
    assert "Alpha Salsa" in message.from_email
    assert community_host(community_a) not in message.subject
    assert "Alpha Salsa" in message.body


def test_the_password_reset_email_has_a_working_link(client_a, community_a):
    client_a.post("/accounts/password/reset/", {"email": "owner@alpha.example"})
    message = mail.outbox[-1]
    links = assert_renders(message, base_url=community_url(community=community_a), client=client_a)
    assert any("/accounts/password/reset/key/" in link for link in links)


def test_a_reply_to_address_set_in_the_branding_is_used(community_a, in_a):
    from wagtail.models import Site

    from themes.models import BrandingSettings

    branding = BrandingSettings.for_site(Site.objects.get(is_default_site=True))
    branding.email_reply_to = "hello@alpha.example"
    branding.save()
    message = email_message_build(
        template_prefix="account/email/password_changed", context={}, to=["a@example.org"]
    )
    assert message.reply_to == ["hello@alpha.example"]
    assert message.from_email == "Alpha Salsa <no-reply@pista.localhost>"


def test_the_digest_has_one_click_unsubscribe_that_works_only_in_its_community(
    client_a, client_b, community_a
):
    from core_apps.community.models import NotificationSetting
    from core_apps.community.services.notifications import (
        notification_digest_send,
        notification_send,
    )

    with schema_context(community_a.schema_name):
        user = User.objects.get(email="owner@alpha.example")
        notification_send(
            user_id=user.pk, kind="message", text=lambda: "A <b>new</b> message", url="/x/"
        )
        assert notification_digest_send(user_id=user.pk)
    message = mail.outbox[-1]
    base_url = community_url(community=community_a)
    unsubscribe = message.extra_headers["List-Unsubscribe"].strip("<>")
    assert unsubscribe.startswith(base_url + "/community/notifications/unsubscribe/")
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    links = assert_renders(message, base_url=base_url)
    assert unsubscribe in links
    path = urlsplit(unsubscribe).path
    # Another community's host refuses the token; nothing changes there or here.
    assert client_b.post(path).status_code == 400
    with schema_context(community_a.schema_name):
        assert not NotificationSetting.objects.filter(user=user, email=False).exists()
    # The page asks first; the one-click POST (no session, no CSRF token) does it.
    page = client_a.get(path)
    assert page.status_code == 200 and b"<form" in page.content
    anonymous = Client(HTTP_HOST=community_host(community_a), enforce_csrf_checks=True)
    assert anonymous.post(path).status_code == 200
    with schema_context(community_a.schema_name):
        from core_apps.community.models import Notification

        assert set(
            NotificationSetting.objects.filter(user=user, email=False).values_list(
                "kind", flat=True
            )
        ) == set(Notification.Kind.values)
    assert Client(HTTP_HOST=community_host(community_a)).post(path + "x/").status_code in (
        400,
        404,
    )


def test_an_operators_first_sign_in_on_the_platform_host_sends_a_platform_branded_email(
    platform_client,
):
    User.objects.create_superuser(email="operator@pista.example", password=PASSWORD)
    response = platform_client.post(
        "/accounts/login/", {"login": "operator@pista.example", "password": PASSWORD}
    )
    assert response.status_code == 302
    message = mail.outbox[-1]
    from django.conf import settings

    base_url = f"{settings.PISTA_SCHEME}://{settings.PISTA_BASE_DOMAIN}"
    links = assert_renders(message, base_url=base_url, client=platform_client)
    assert any("/accounts/confirm-email/" in link for link in links)
    assert "Pista" in message.alternatives[0][0]
    assert message.from_email == settings.DEFAULT_FROM_EMAIL
