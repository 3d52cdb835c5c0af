"""Abstract parts of booking models; this app has no tables of its own."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class BookingEntry(models.Model):
    """One step in a booking's audit log: who did what, with which data. It is
    also the in-app inbox of the other side. Concrete entries add ``booking``."""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("done by"),
    )
    action = models.CharField(_("action"), max_length=32)
    data = models.JSONField(_("details"), default=dict, blank=True)
    created = models.DateTimeField(_("when"), auto_now_add=True)

    booking_id: int  # the concrete entry's ``booking`` foreign key

    class Meta:
        abstract = True
        ordering = ["created", "pk"]

    def __str__(self) -> str:
        return f"{self.booking_id}: {self.action}"
