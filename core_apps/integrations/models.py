"""Integrations: what partners and API clients rely on across requests.

:class:`IdempotencyRecord` remembers the first answer to a request sent with an
``Idempotency-Key`` header (or a checkout form's one-time token), so a retry
or a double click is answered with it instead of being carried out twice.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class IdempotencyRecord(models.Model):
    """One idempotency key of this community: claimed by the first request
    (``in_progress``, committed before that request does its work, so that a
    concurrent twin sees it) and then holding that request's answer."""

    class Status(models.TextChoices):
        IN_PROGRESS = "in_progress", _("In progress")
        DONE = "done", _("Done")

    # One row per key and community (the table lives in each tenant schema):
    # the unique index decides between concurrent requests.
    key = models.CharField(_("key"), max_length=255, unique=True)
    # SHA-256 of the endpoint, the caller and the body: a replay must match it.
    fingerprint = models.CharField(_("fingerprint"), max_length=64)
    # The signed-in caller, if any (so a member's erasure removes their rows).
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("account"),
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.IN_PROGRESS
    )
    response_status = models.PositiveSmallIntegerField(_("response status"), null=True, blank=True)
    response_body = models.JSONField(_("response body"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"))
    expires_at = models.DateTimeField(_("expires"), db_index=True)

    class Meta:
        verbose_name = _("idempotency record")
        verbose_name_plural = _("idempotency records")

    def __str__(self) -> str:
        return f"{self.key[:16]} ({self.status})"


class ApiKey(models.Model):
    """A community's credential for a partner's program: ``Authorization:
    Api-Key <key>``. The key is shown once; only its SHA-256 is stored. A key
    acts as the staff member who created it, narrowed to its ``scopes``."""

    name = models.CharField(_("name"), max_length=100)
    # The public, unique start of the key: finds the row without the secret.
    prefix = models.CharField(_("prefix"), max_length=16, unique=True)
    secret_hash = models.CharField(_("secret hash"), max_length=64)
    scopes = models.JSONField(_("scopes"), default=list)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created"))
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("API key")
        verbose_name_plural = _("API keys")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix})"

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None


class WebhookSubscription(models.Model):
    """An owner's HTTPS endpoint receiving signed POSTs for ``event_types``."""

    url = models.URLField(_("URL"), max_length=500)
    event_types = models.JSONField(_("events"), default=list)
    # Signs the deliveries (HMAC-SHA256); shown to the owners, who verify with it.
    secret = models.CharField(_("signing secret"), max_length=80)
    is_active = models.BooleanField(_("active"), default=True)
    disabled_reason = models.CharField(_("why it was disabled"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created"))

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("webhook subscription")
        verbose_name_plural = _("webhook subscriptions")

    def __str__(self) -> str:
        return self.url


class WebhookDelivery(models.Model):
    """One event for one subscription, attempted until it succeeds or its
    retries (3 days) run out. ``attempts_log`` keeps each attempt's answer."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SUCCEEDED = "succeeded", _("Delivered")
        FAILED = "failed", _("Failed")

    subscription = models.ForeignKey(
        WebhookSubscription,
        on_delete=models.CASCADE,
        related_name="deliveries",
        verbose_name=_("webhook subscription"),
    )
    event_id = models.UUIDField(_("webhook event ID"), db_index=True)
    event_type = models.CharField(_("event type"), max_length=64)
    payload = models.JSONField(_("payload"))
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    created_at = models.DateTimeField(_("created"))
    next_attempt_at = models.DateTimeField(
        _("next attempt at"), null=True, blank=True, db_index=True
    )
    last_attempt_at = models.DateTimeField(_("last attempt at"), null=True, blank=True)
    response_status = models.PositiveSmallIntegerField(_("response status"), null=True, blank=True)
    error = models.CharField(_("error"), max_length=300, blank=True)
    attempts_log = models.JSONField(_("attempts log"), default=list)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")

    def __str__(self) -> str:
        return f"{self.event_type} → {self.subscription_id} ({self.status})"


class WidgetOrigin(models.Model):
    """A site allowed to embed the community's events widget (``frame-ancestors``)."""

    origin = models.CharField(_("origin"), max_length=200, unique=True)
    created_at = models.DateTimeField(_("added"))

    class Meta:
        ordering = ["origin"]
        verbose_name = _("widget origin")
        verbose_name_plural = _("widget origins")

    def __str__(self) -> str:
        return self.origin
