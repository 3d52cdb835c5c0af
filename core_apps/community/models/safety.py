"""Blocks, the code of conduct, reports and moderation."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

USER = settings.AUTH_USER_MODEL


class Block(models.Model):
    """``blocker`` no longer exists for ``blocked`` and vice versa; nobody is told."""

    blocker = models.ForeignKey(
        USER, on_delete=models.CASCADE, related_name="+", verbose_name=_("blocked by")
    )
    blocked = models.ForeignKey(
        USER, on_delete=models.CASCADE, related_name="+", verbose_name=_("blocked member")
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("block")
        verbose_name_plural = _("blocks")
        constraints = [
            models.UniqueConstraint(fields=["blocker", "blocked"], name="community_block_once"),
        ]
        indexes = [models.Index(fields=["blocked", "blocker"], name="community_block_reverse")]

    def __str__(self) -> str:
        return f"{self.blocker_id} blocks {self.blocked_id}"


class CodeOfConduct(models.Model):
    """A version of the community's code of conduct; the highest version is current."""

    version = models.PositiveIntegerField(_("version"), unique=True)
    text = models.TextField(_("text"), help_text=_("Sanitised HTML."))
    published_at = models.DateTimeField(_("published"), auto_now_add=True)
    published_by = models.ForeignKey(
        USER,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("published by"),
    )

    class Meta:
        verbose_name = _("code of conduct")
        verbose_name_plural = _("codes of conduct")

    def __str__(self) -> str:
        return f"Code of conduct v{self.version}"


class CodeOfConductAcceptance(models.Model):
    user = models.ForeignKey(
        USER, on_delete=models.CASCADE, related_name="+", verbose_name=_("member")
    )
    code = models.ForeignKey(
        CodeOfConduct,
        on_delete=models.CASCADE,
        related_name="acceptances",
        verbose_name=_("code of conduct"),
    )
    accepted_at = models.DateTimeField(_("accepted at"), auto_now_add=True)

    class Meta:
        verbose_name = _("code of conduct acceptance")
        verbose_name_plural = _("code of conduct acceptances")
        constraints = [
            models.UniqueConstraint(fields=["user", "code"], name="community_coc_accept_once"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} accepted {self.code_id}"


class Report(models.Model):
    class Kind(models.TextChoices):
        PROFILE = "profile", _("Profile")
        MESSAGE = "message", _("Message")
        GROUP_POST = "group_post", _("Group post")

    class Reason(models.TextChoices):
        HARASSMENT = "harassment", _("Harassment or unwanted contact")
        INAPPROPRIATE = "inappropriate", _("Inappropriate or sexual content")
        SPAM = "spam", _("Spam or scam")
        FAKE = "fake", _("Fake profile or impersonation")
        SAFETY = "safety", _("Safety concern")
        OTHER = "other", _("Something else")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        RESOLVED = "resolved", _("Resolved")

    reporter = models.ForeignKey(
        USER, on_delete=models.CASCADE, related_name="+", verbose_name=_("reported by")
    )
    reported_user = models.ForeignKey(
        USER, on_delete=models.CASCADE, related_name="+", verbose_name=_("reported member")
    )
    kind = models.CharField(_("type"), max_length=12, choices=Kind.choices)
    object_id = models.BigIntegerField(_("reported item ID"))
    reason = models.CharField(_("reason"), max_length=20, choices=Reason.choices)
    details = models.TextField(_("details"), max_length=2000, blank=True)
    # The reported content as it was, kept even if it is edited or deleted later.
    snapshot = models.JSONField(_("snapshot"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        indexes = [models.Index(fields=["status", "created_at"], name="community_report_queue")]

    def __str__(self) -> str:
        return f"Report {self.pk} ({self.kind}, {self.status})"


class ModerationAction(models.Model):
    """The audit trail: who did what to whom, and why."""

    class Kind(models.TextChoices):
        DISMISS = "dismiss", _("Dismiss")
        WARN = "warn", _("Warn")
        HIDE = "hide", _("Hide content")
        SUSPEND = "suspend", _("Suspend member")
        BAN = "ban", _("Ban member")
        REINSTATE = "reinstate", _("Reinstate member")

    report = models.ForeignKey(
        Report,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="actions",
        verbose_name=_("report"),
    )
    moderator = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("moderator")
    )
    target_user = models.ForeignKey(
        USER, on_delete=models.CASCADE, related_name="+", verbose_name=_("member")
    )
    kind = models.CharField(_("action"), max_length=10, choices=Kind.choices)
    note = models.TextField(_("note"), max_length=2000, blank=True)
    created_at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        verbose_name = _("moderation action")
        verbose_name_plural = _("moderation actions")

    def __str__(self) -> str:
        return f"{self.kind} on {self.target_user_id} by {self.moderator_id}"


class MemberStanding(models.Model):
    """A member's standing after moderation. Suspended and banned members are also
    made inactive (``User.is_active = False``), which Django's and allauth's
    authentication backends refuse at login and on every request."""

    class Status(models.TextChoices):
        GOOD = "good", _("In good standing")
        WARNED = "warned", _("Warned")
        SUSPENDED = "suspended", _("Suspended")
        BANNED = "banned", _("Banned")

    user = models.OneToOneField(
        USER, on_delete=models.CASCADE, related_name="standing", verbose_name=_("member")
    )
    status = models.CharField(
        _("standing"), max_length=10, choices=Status.choices, default=Status.GOOD
    )
    warnings = models.PositiveIntegerField(_("warnings"), default=0)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("member standing")
        verbose_name_plural = _("member standings")

    def __str__(self) -> str:
        return f"{self.user_id}: {self.status}"
