"""Themed email: one email rendered in the theme and branding of the community
the connection works for (a text part and an HTML part).

Depends on branding alone (``themes.registry``, ``themes.selectors``,
``themes.models``) and on ``tenants.current``: every layer above may send mail
through it, and nothing it uses imports back.
"""

from __future__ import annotations

from typing import Any

from django.core.mail import EmailMultiAlternatives
from django.http import HttpRequest
from django.template import TemplateDoesNotExist
from django.template.defaultfilters import linebreaks_filter
from django.template.defaultfilters import urlize as urlize_filter
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import get_language
from wagtail.models import Site

from tenants.current import community_current, community_url
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
    if community is None:
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


def email_message_build(
    *,
    template_prefix: str,
    context: dict[str, Any],
    to: list[str],
    from_email: str | None = None,
    headers: dict[str, str] | None = None,
    subject_prefix: str = "",
    request: HttpRequest | None = None,
) -> EmailMultiAlternatives:
    """Render ``<prefix>_subject.txt`` and ``<prefix>_message.txt`` (and
    ``<prefix>_message.html`` where one exists) in the theme of the community the
    connection works for, wrapped in the theme's email layout: a text part and an
    HTML part carrying the community's name, logo and colours.

    Must run in the community's schema (requests and community tasks do).
    """
    community = _email_community()
    theme_name = community.theme if community else "salon"
    with theme_activated(theme_name):
        theme = THEME_BY_NAME[theme_name]
        branding = _email_branding(community)
        subject_lines = render_to_string(f"{template_prefix}_subject.txt", context, request)
        subject = subject_prefix + " ".join(subject_lines.splitlines()).strip()
        text_body = render_to_string(f"{template_prefix}_message.txt", context, request).strip()
        html_body: str
        try:
            html_body = render_to_string(f"{template_prefix}_message.html", context, request)
        except TemplateDoesNotExist:
            # The template filters escape the text once and mark the result
            # safe; the layout would escape a plain string a second time.
            html_body = linebreaks_filter(urlize_filter(text_body))
        site_url = community_url(community=community) if community else ""
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
        }
        text = render_to_string("themes/email/layout.txt", {**layout, "body": text_body})
        html = render_to_string("themes/email/layout.html", {**layout, "body_html": html_body})
    message = EmailMultiAlternatives(subject, text, from_email, to, headers=headers)
    message.attach_alternative(html, "text/html")
    return message


def community_email_build(
    *,
    template_prefix: str,
    context: dict[str, Any],
    to: list[str],
    language: str = "",
    time_zone: str = "",
) -> EmailMultiAlternatives:
    """An email from the current community to its members (see
    email_message_build) in ``language``, else the community's language, with
    times shown in ``time_zone``, else the community's; ``community`` is in the
    context.

    Must run in a community's schema: raises Community.DoesNotExist in public.
    """
    community = community_current()
    with (
        translation.override(language or community.language),
        timezone.override(time_zone or community.time_zone),
    ):
        return email_message_build(
            template_prefix=template_prefix,
            context={"community": community, **context},
            to=to,
        )


def email_send(
    *, template_prefix: str, context: dict[str, Any], to: list[str], from_email: str | None = None
) -> None:
    """Render (see email_message_build) and send one themed email."""
    email_message_build(
        template_prefix=template_prefix, context=context, to=to, from_email=from_email
    ).send()
