"""One row per effect that must follow a commit (in every schema: a community's
effects stay in its own schema, the platform's in public)."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class OutboxMessage(models.Model):
    """A Celery task to run once the transaction that wrote this row commits.

    ``pending`` until a delivery runs the task and marks it ``done`` in one
    transaction; a failing delivery is retried with backoff (``next_attempt_at``)
    until ``PISTA_OUTBOX_MAX_ATTEMPTS``, then ``failed`` for an operator to see.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    task = models.CharField(_("task"), max_length=200)
    kwargs = models.JSONField(_("arguments"), default=dict)
    # Enqueuing the same effect twice (same non-empty key) records it once.
    dedupe_key = models.CharField(_("deduplication key"), max_length=200, blank=True, default="")
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"))
    last_error = models.TextField(_("last error"), blank=True, default="")
    created = models.DateTimeField(_("created"), auto_now_add=True)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)

    class Meta:
        verbose_name = _("outbox message")
        verbose_name_plural = _("outbox messages")
        constraints = [
            models.UniqueConstraint(
                fields=["dedupe_key"],
                condition=~Q(dedupe_key=""),
                name="outbox_message_dedupe_key_unique",
            )
        ]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                condition=Q(status="pending"),
                name="outbox_message_due_idx",
            )
        ]

    def __str__(self) -> str:
        return f"{self.task} #{self.pk} ({self.status})"


class EffectMarker(models.Model):
    """An effect that happened (``outbox.services.effect_once``): its key is the
    idempotency marker, e.g. ``order:42:tickets-email``."""

    key = models.CharField(_("key"), max_length=200, unique=True)
    created = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("effect marker")
        verbose_name_plural = _("effect markers")

    def __str__(self) -> str:
        return self.key
