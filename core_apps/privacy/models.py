"""Privacy records kept in each community (and, for operators, in the public schema)."""

from __future__ import annotations

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AuditEntry(models.Model):
    """Who did what to what, when and from where.

    ``actor`` is the person acting (null for the system); ``subject`` is the
    person the entry is about, so a member's export can include every entry
    concerning them. Labels keep the entry readable after the rows it names
    are gone; erasure anonymises them.
    """

    created_at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    action = models.CharField(_("action"), max_length=64, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("actor's account"),
    )
    actor_label = models.CharField(_("actor"), max_length=254, blank=True)
    subject = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("concerning"),
    )
    target_type = models.CharField(_("target type"), max_length=100, blank=True)
    target_id = models.CharField(_("target id"), max_length=64, blank=True)
    target_label = models.CharField(_("target"), max_length=200, blank=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    user_agent = models.CharField(_("user agent"), max_length=300, blank=True)
    data = models.JSONField(_("details"), default=dict, blank=True, encoder=DjangoJSONEncoder)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit log")
        indexes = [models.Index(fields=["target_type", "target_id"])]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_label or 'system'} {self.action}"


class PolicyDocument(models.Model):
    """One version of the community's privacy policy or terms (in the public
    schema: the platform's). The highest version of a kind is the current one."""

    class Kind(models.TextChoices):
        PRIVACY = "privacy", _("Privacy policy")
        TERMS = "terms", _("Terms of use")

    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    version = models.PositiveIntegerField(_("version"))
    text = models.TextField(_("text"), help_text=_("Sanitised HTML."))
    summary_of_changes = models.CharField(_("what changed"), max_length=300, blank=True)
    published_at = models.DateTimeField(_("published"), default=timezone.now)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("published by"),
    )

    class Meta:
        ordering = ["kind", "-version"]
        verbose_name = _("policy version")
        verbose_name_plural = _("policy versions")
        constraints = [
            models.UniqueConstraint(fields=["kind", "version"], name="privacy_policy_version_once"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} v{self.version}"


class ConsentRecord(models.Model):
    """A member gave or withdrew consent: to a policy version, or to a purpose.

    Records are only ever added: the latest one per document (or purpose) is
    the member's current choice, the older ones prove what was true when.
    """

    class Method(models.TextChoices):
        SIGNUP = "signup", _("Checkbox at sign-up")
        REPROMPT = "reprompt", _("Asked again after a new version")
        PRIVACY_PAGE = "privacy_page", _("The member's privacy page")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="consent_records",
        verbose_name=_("member"),
    )
    document = models.ForeignKey(
        PolicyDocument,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="consents",
        verbose_name=_("policy version"),
    )
    purpose = models.CharField(_("purpose"), max_length=32)
    given = models.BooleanField(_("given"))
    method = models.CharField(_("how"), max_length=16, choices=Method.choices)
    created_at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        verbose_name = _("consent record")
        verbose_name_plural = _("consent records")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["user", "purpose", "created_at"])]

    def __str__(self) -> str:
        verb = "gave" if self.given else "withdrew"
        return f"{self.user_id} {verb} {self.purpose} ({self.method})"


class DataExport(models.Model):
    """A member's Art. 15/20 export: a ZIP of JSON built in the background,
    stored under the community's prefix and reachable only by a signed link."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Being prepared")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Failed")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="data_exports",
        verbose_name=_("member"),
    )
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.PENDING
    )
    file = models.FileField(_("file"), upload_to="privacy/exports/", blank=True)
    requested_at = models.DateTimeField(_("requested at"), default=timezone.now)
    ready_at = models.DateTimeField(_("ready at"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)

    class Meta:
        verbose_name = _("data export")
        verbose_name_plural = _("data exports")
        ordering = ["-requested_at", "-pk"]

    def __str__(self) -> str:
        return f"Export {self.pk} ({self.status})"


class ErasureReport(models.Model):
    """What a member's erasure did, per model: no personal data, only counts."""

    user_id_erased = models.BigIntegerField(_("erased member's ID"))
    created_at = models.DateTimeField(_("when"), default=timezone.now)
    summary = models.JSONField(_("summary"), default=dict, encoder=DjangoJSONEncoder)

    class Meta:
        verbose_name = _("erasure report")
        verbose_name_plural = _("erasure reports")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Erasure of user {self.user_id_erased} at {self.created_at:%Y-%m-%d %H:%M}"
