"""In-app and email notifications with per-kind switches."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

USER = settings.AUTH_USER_MODEL


class Notification(models.Model):
    class Kind(models.TextChoices):
        PARTNER_REQUEST = "partner_request", _("Partner requests")
        PARTNER_ACCEPTED = "partner_accepted", _("Accepted partner requests")
        MESSAGE = "message", _("New messages")
        FOLLOW = "follow", _("New followers")
        GROUP = "group", _("Group activity")
        MODERATION = "moderation", _("Moderation and reports")
        CODE_OF_CONDUCT = "code_of_conduct", _("Code of conduct changes")

    user = models.ForeignKey(
        USER, on_delete=models.CASCADE, related_name="+", verbose_name=_("member")
    )
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices)
    text = models.CharField(_("text"), max_length=300)
    url = models.CharField(_("link"), max_length=300, blank=True)
    # In-app: shown in the centre; email: waits for the next digest.
    in_app = models.BooleanField(_("in the app"), default=True)
    email_pending = models.BooleanField(_("waiting for the email digest"), default=False)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [
            models.Index(fields=["user", "created_at"], name="community_notif_user"),
            models.Index(
                fields=["user"], condition=Q(email_pending=True), name="community_notif_digest"
            ),
        ]

    def __str__(self) -> str:
        return self.text


class NotificationSetting(models.Model):
    """A member's switch for one notification kind; missing means both on."""

    user = models.ForeignKey(
        USER, on_delete=models.CASCADE, related_name="+", verbose_name=_("member")
    )
    kind = models.CharField(_("type"), max_length=20, choices=Notification.Kind.choices)
    in_app = models.BooleanField(_("in the app"), default=True)
    email = models.BooleanField(_("by email"), default=True)

    class Meta:
        verbose_name = _("notification setting")
        verbose_name_plural = _("notification settings")
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="community_notif_setting"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id}:{self.kind}"
