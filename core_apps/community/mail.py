"""Emails about the community's social life, in the community's theme, language
and time zone (``themes.services.community_email_build``): the digest of a
member's pending notifications."""

from __future__ import annotations

from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.urls import reverse

from core_apps.accounts.models import User
from core_apps.community.models import Notification
from pista.tenancy import current_schema
from tenants.current import community_current, community_url
from themes.mail import community_email_build

UNSUBSCRIBE_SALT = "community.digest-unsubscribe"


def digest_unsubscribe_token(*, user: User) -> str:
    """A signed token naming ``user`` in this community's schema: the digest's
    one-click unsubscribe link works without signing in, never in another community."""
    return signing.dumps({"u": user.pk, "s": current_schema()}, salt=UNSUBSCRIBE_SALT)


def digest_unsubscribe_token_read(token: str) -> int | None:
    """The user id a token names in this schema, or None (bad, or another community's)."""
    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or data.get("s") != current_schema():
        return None
    user_id = data.get("u")
    return user_id if isinstance(user_id, int) else None


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
        unsubscribe_url=base_url
        + reverse("community:unsubscribe", args=[digest_unsubscribe_token(user=user)]),
    )
