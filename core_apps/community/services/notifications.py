"""In-app notifications and the email digest, each kind switchable per member."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core_apps.accounts.models import User
from core_apps.community.errors import InvalidInput
from core_apps.community.mail import digest_unsubscribe_token_read, notification_digest_message
from core_apps.community.models import Notification, NotificationSetting
from tenants.current import community_current, language_code, languages_enabled

# A notification's text, written when called: once per recipient language.
Text = Callable[[], str]


def notification_send(*, user_id: int, kind: str, text: Text, url: str = "") -> Notification | None:
    """Record a notification as the member's switches for ``kind`` allow: in the
    centre, and/or waiting for the next email digest (never one mail per event).
    ``text`` is written in the member's language."""
    return next(iter(notifications_send(user_ids=[user_id], kind=kind, text=text, url=url)), None)


def notifications_send(
    *, user_ids: Iterable[int], kind: str, text: Text, url: str = ""
) -> list[Notification]:
    """``notification_send`` to each of ``user_ids``; ``text`` is called once per
    language among them, in that language."""
    ids = list(dict.fromkeys(user_ids))
    switches = {
        row.user_id: row for row in NotificationSetting.objects.filter(user_id__in=ids, kind=kind)
    }
    languages = _languages(ids)
    texts: dict[str, str] = {}
    rows = []
    for user_id in ids:
        setting = switches.get(user_id)
        in_app = setting.in_app if setting else True
        email = setting.email if setting else True
        if not (in_app or email):
            continue
        language = languages[user_id]
        if language not in texts:
            with translation.override(language):
                texts[language] = str(text())[:300]
        rows.append(
            Notification(
                user_id=user_id,
                kind=kind,
                text=texts[language],
                url=url,
                in_app=in_app,
                email_pending=email,
            )
        )
    return Notification.objects.bulk_create(rows)


def _languages(user_ids: list[int]) -> dict[int, str]:
    """Each member's language: the one they chose, when the community offers
    it; else the community's default."""
    enabled = languages_enabled(community_current())
    chosen = dict(User.objects.filter(pk__in=user_ids).values_list("pk", "language"))
    return {
        user_id: code if (code := language_code(chosen.get(user_id, ""))) in enabled else enabled[0]
        for user_id in user_ids
    }


def notification_settings_update(
    *, user: User, kind: str, in_app: bool, email: bool
) -> NotificationSetting:
    if kind not in Notification.Kind.values:
        raise InvalidInput(_("Unknown notification type %(kind)r.") % {"kind": kind})
    setting, _created = NotificationSetting.objects.update_or_create(
        user=user, kind=kind, defaults={"in_app": in_app, "email": email}
    )
    return setting


def digest_unsubscribe(*, token: str) -> User:
    """Turn every email digest off for the member a digest's unsubscribe link
    names (in-app notifications stay as they are); raises InvalidInput for a
    link that is not valid here."""
    user_id = digest_unsubscribe_token_read(token)
    user = User.objects.filter(pk=user_id).first() if user_id is not None else None
    if user is None:
        raise InvalidInput(_("This unsubscribe link is not valid here."))
    with transaction.atomic():
        current = {row.kind: row for row in NotificationSetting.objects.filter(user=user)}
        for kind in Notification.Kind.values:
            row = current.get(kind)
            notification_settings_update(
                user=user, kind=kind, in_app=row.in_app if row else True, email=False
            )
        Notification.objects.filter(user=user, email_pending=True).update(email_pending=False)
    return user


def notifications_mark_read(*, user: User, ids: list[int] | None = None) -> int:
    unread = Notification.objects.filter(user=user, read_at__isnull=True)
    if ids is not None:
        unread = unread.filter(pk__in=ids)
    return unread.update(read_at=timezone.now())


def notification_digest_send(*, user_id: int) -> bool:
    """Send one themed email listing ``user_id``'s pending notifications; True if sent.

    Idempotent: the rows are claimed (``email_pending`` cleared) in the
    transaction that sends, so a retried task sends nothing twice, and a send
    that fails leaves them pending for the next digest.
    """
    user = User.objects.filter(pk=user_id, is_active=True).first()
    with transaction.atomic():
        pending = list(
            Notification.objects.select_for_update(skip_locked=True)
            .filter(user_id=user_id, email_pending=True)
            .order_by("created_at")
        )
        if not pending:
            return False
        Notification.objects.filter(pk__in=[n.pk for n in pending]).update(email_pending=False)
        if user is None:
            return False
        notification_digest_message(user=user, notifications=pending).send()
    return True
