"""Emails about the community's social life, in the community's theme, language
and time zone (``themes.services.community_email_build``): the digest of a
member's pending notifications."""

from __future__ import annotations

from django.core.mail import EmailMultiAlternatives
from django.urls import reverse

from core_apps.accounts.models import User
from core_apps.community.models import Notification
from tenants.current import community_current, community_url
from themes.mail import community_email_build


def notification_digest_message(
    *, user: User, notifications: list[Notification]
) -> EmailMultiAlternatives:
    """One email listing ``notifications`` (each with its link), and where the
    member chooses which emails they get."""
    base_url = community_url(community=community_current())
    return community_email_build(
        template_prefix="community/email/notification_digest",
        context={
            "user": user,
            "notifications": notifications,
            "count": len(notifications),
            "base_url": base_url,
            "settings_link": base_url + reverse("community:notifications"),
        },
        to=[user.email],
    )
