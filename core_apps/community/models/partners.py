"""Partner requests and "looking for a partner" posts."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core_apps.community.models.profiles import DANCE_STYLES, DanceRole

USER = settings.AUTH_USER_MODEL


class PartnerRequest(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    sender = models.ForeignKey(
        USER, on_delete=models.CASCADE, related_name="+", verbose_name=_("sender")
    )
    recipient = models.ForeignKey(
        USER, on_delete=models.CASCADE, related_name="+", verbose_name=_("recipient")
    )
    message = models.CharField(_("message"), max_length=500, blank=True)
    style = models.CharField(_("dance style"), max_length=20, choices=DANCE_STYLES, blank=True)
    # Seam to events/ticketing (another app): a plain reference, no foreign key.
    event_title = models.CharField(_("event"), max_length=200, blank=True)
    event_ref = models.BigIntegerField(_("event ID"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    created_at = models.DateTimeField(_("sent at"), auto_now_add=True)
    responded_at = models.DateTimeField(_("answered at"), null=True, blank=True)

    class Meta:
        verbose_name = _("partner request")
        verbose_name_plural = _("partner requests")
        constraints = [
            models.UniqueConstraint(
                fields=["sender", "recipient"],
                condition=Q(status="pending"),
                name="community_request_one_pending",
            ),
        ]
        indexes = [models.Index(fields=["sender", "created_at"], name="community_req_sender")]

    def __str__(self) -> str:
        return f"{self.sender_id} -> {self.recipient_id} ({self.status})"


class PartnerPost(models.Model):
    """ "Looking for a partner for <event/course>". ``event_ref``/``event_slug`` are
    plain references into the events app (no foreign key across the seam);
    couple registration can list posts for its event with ``partner_posts_for_event``."""

    author = models.ForeignKey(
        USER, on_delete=models.CASCADE, related_name="+", verbose_name=_("author")
    )
    event_title = models.CharField(_("event"), max_length=200)
    event_slug = models.SlugField(_("event slug"), max_length=200, blank=True)
    event_ref = models.BigIntegerField(_("event ID"), null=True, blank=True, db_index=True)
    style = models.CharField(_("dance style"), max_length=20, choices=DANCE_STYLES, blank=True)
    role_wanted = models.PositiveSmallIntegerField(_("role wanted"), choices=DanceRole.choices)
    note = models.CharField(_("note"), max_length=500, blank=True)
    is_open = models.BooleanField(_("open"), default=True)
    hidden_by_moderation = models.BooleanField(_("hidden by moderation"), default=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("partner post")
        verbose_name_plural = _("partner posts")

    def __str__(self) -> str:
        return self.event_title
