"""Themed email: one email rendered in the theme and branding of the community
the connection works for (a text part and an HTML part).

Depends on branding alone (``themes.registry``, ``themes.selectors``,
``themes.models``) and on ``tenants.current``: every layer above may send mail
through it, and nothing it uses imports back.
"""

from __future__ import annotations

from email.utils import formataddr, parseaddr
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMultiAlternatives
from django.http import HttpRequest
from django.template import TemplateDoesNotExist
from django.template.context import make_context
from django.template.defaultfilters import linebreaks_filter
from django.template.defaultfilters import urlize as urlize_filter
from django.template.loader import get_template, render_to_string
from django.utils import timezone, translation
from django.utils.translation import get_language
from wagtail.models import Site

from pista.tenancy import in_public_schema
from tenants.current import (
    community_current,
    community_url,
    language_code,
    languages_enabled,
    site_url_current,
)
from tenants.models import Community
from themes.models import BrandingSettings
from themes.registry import THEME_BY_NAME
from themes.selectors import design_tokens, theme_activated


def _email_community() -> Community | None:
    try:
        return community_current()
    except Community.DoesNotExist:
        return None


def _email_branding(community: Community | None) -> BrandingSettings | None:
    # The platform host (public schema) has no Wagtail site: its emails carry
    # the platform's own branding.
    if community is None or in_public_schema():
        return None
    site = Site.objects.filter(is_default_site=True).first()
    return BrandingSettings.for_site(site) if site else None


# The plain-text part's masthead rule, one look per theme.
EMAIL_TEXT_RULES = {"salon": "~ " * 20, "festival": "=" * 40, "studio": "-" * 40}


def _email_tokens(tokens: dict[str, str]) -> dict[str, str]:
    """Design tokens under names a template can read (``tokens.on_primary``)."""
    return {
        name.removeprefix("--pista-").removeprefix("color-").replace("-", "_"): value
        for name, value in tokens.items()
    }


def _text_render(name: str, context: dict[str, Any], request: HttpRequest | None) -> str:
    """A plain-text template rendered without HTML escaping: a name like
    "Salsa & Tango" stays as typed in subjects and text parts (the HTML part
    escapes the text once, itself)."""
    template = get_template(name)
    django_template = getattr(template, "template", None)
    if django_template is None:  # another engine: it knows its own escaping
        return str(template.render(context, request))
    return str(django_template.render(make_context(context, request, autoescape=False)))


def email_sender(community: Community | None) -> str:
    """``"<community name>" <platform address>``: members see who writes to
    them, while mail leaves from the platform's authenticated address."""
    _name, address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    if community is None:
        return str(settings.DEFAULT_FROM_EMAIL)
    return formataddr((community.name, address))


def email_reply_to(branding: BrandingSettings | None) -> list[str]:
    """Where replies go: the address the community set in its branding, if any."""
    address = getattr(branding, "email_reply_to", "") if branding is not None else ""
    return [address] if address else []


def recipient_language(email: str, *, fallback: str = "") -> str:
    """The language to write to ``email`` in: the stored ``language`` of the
    member with that address, if the current community offers it; else
    ``fallback`` if offered; else the community's default (in the public
    schema: the active language). Must run in the recipient's schema."""
    community = _email_community()
    enabled = languages_enabled(community)
    user = get_user_model().objects.filter(email__iexact=email.strip()).only("language").first()
    candidates = [getattr(user, "language", ""), fallback]
    if community is None:
        candidates.append(get_language() or settings.LANGUAGE_CODE)
    for candidate in candidates:
        code = language_code(candidate)
        if code in enabled:
            return code
    return enabled[0]


def email_message_build(
    *,
    template_prefix: str,
    context: dict[str, Any],
    to: list[str],
    from_email: str | None = None,
    headers: dict[str, str] | None = None,
    subject_prefix: str = "",
    request: HttpRequest | None = None,
    unsubscribe_url: str = "",
) -> EmailMultiAlternatives:
    """Render ``<prefix>_subject.txt`` and ``<prefix>_message.txt`` (and
    ``<prefix>_message.html`` where one exists) in the theme of the community the
    connection works for, wrapped in the theme's email layout: a text part and an
    HTML part carrying the community's name, logo and colours. It comes from the
    community's name (``email_sender``) with replies to its address; on the
    platform host (no community) in the platform's branding. ``unsubscribe_url``
    (digests, notifications) adds ``List-Unsubscribe`` with one-click
    unsubscribe (RFC 8058): that URL must accept a POST without a session.

    Must run in the community's schema (requests and community tasks do).
    """
    community = _email_community()
    theme_name = community.theme if community else "salon"
    with theme_activated(theme_name):
        theme = THEME_BY_NAME[theme_name]
        branding = _email_branding(community)
        subject_lines = _text_render(f"{template_prefix}_subject.txt", context, request)
        subject = subject_prefix + " ".join(subject_lines.splitlines()).strip()
        text_body = _text_render(f"{template_prefix}_message.txt", context, request).strip()
        html_body: str
        try:
            html_body = render_to_string(f"{template_prefix}_message.html", context, request)
        except TemplateDoesNotExist:
            # The text is plain (never escaped): the filters escape it once,
            # turn its addresses into links and mark the result safe for the
            # layout, which shows it as HTML.
            linked = urlize_filter(text_body, autoescape=True)
            html_body = linebreaks_filter(linked, autoescape=True)
        site_url = community_url(community=community) if community else site_url_current()
        layout = {
            "community": community,
            "subject": subject,
            "site_url": site_url,
            "logo_url": (
                f"{site_url}{branding.logo.url}" if branding is not None and branding.logo else ""
            ),
            "tokens": _email_tokens(design_tokens(theme=theme, branding=branding)),
            "theme": theme,
            "theme_rule": EMAIL_TEXT_RULES[theme.name],
            # The language the email is rendered in (``<html lang>``).
            "LANGUAGE_CODE": get_language() or "en",
            "unsubscribe_url": unsubscribe_url,
        }
        text = render_to_string("themes/email/layout.txt", {**layout, "body": text_body})
        html = render_to_string("themes/email/layout.html", {**layout, "body_html": html_body})
    all_headers = {"Content-Language": layout["LANGUAGE_CODE"], **(headers or {})}
    if unsubscribe_url:
        all_headers["List-Unsubscribe"] = f"<{unsubscribe_url}>"
        all_headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message = EmailMultiAlternatives(
        subject,
        text,
        from_email or email_sender(community),
        to,
        headers=all_headers,
        reply_to=email_reply_to(branding) or None,
    )
    message.attach_alternative(html, "text/html")
    return message


def community_email_build(
    *,
    template_prefix: str,
    context: dict[str, Any],
    to: list[str],
    language: str = "",
    time_zone: str = "",
    unsubscribe_url: str = "",
) -> EmailMultiAlternatives:
    """An email from the current community to its members (see
    email_message_build) in ``language``, else the single recipient's
    (``recipient_language``), else the community's default language, with
    times shown in ``time_zone``, else the community's; ``community`` is in the
    context.

    Must run in a community's schema: raises Community.DoesNotExist in public.
    """
    community = community_current()
    if not language:
        language = recipient_language(to[0]) if len(to) == 1 else _default_language()
    with (
        translation.override(language),
        timezone.override(time_zone or community.time_zone),
    ):
        return email_message_build(
            template_prefix=template_prefix,
            context={"community": community, **context},
            to=to,
            unsubscribe_url=unsubscribe_url,
        )


def email_send(
    *,
    template_prefix: str,
    context: dict[str, Any],
    to: list[str],
    from_email: str | None = None,
    language: str = "",
) -> None:
    """Render (see email_message_build) and send one themed email in ``language``,
    else the single recipient's (``recipient_language``), else the community's."""
    if not language:
        language = recipient_language(to[0]) if len(to) == 1 else ""
    with translation.override(language or _default_language()):
        email_message_build(
            template_prefix=template_prefix, context=context, to=to, from_email=from_email
        ).send()


def _default_language() -> str:
    """The current community's default language (the active one in public)."""
    community = _email_community()
    if community is None:
        return get_language() or settings.LANGUAGE_CODE
    return languages_enabled(community)[0]
