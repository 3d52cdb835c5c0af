"""Reads both kinds of booking share: a party's booking, its log, their inbox."""

from __future__ import annotations

from typing import TypeVar

from django.db import models
from django.utils.translation import gettext as _

from core_apps.accounts.models import User
from pista.errors import NotFound

M = TypeVar("M", bound=models.Model)


def booking_of_party(bookings: models.QuerySet[M], *, pk: int) -> M:
    """Booking ``pk`` among those the user is a party of (``bookings``). Raises
    NotFound, also for outsiders, so that bookings don't leak."""
    booking = bookings.filter(pk=pk).first()
    if booking is None:
        raise NotFound(_("No such booking."))
    return booking


def booking_entries(entries: models.QuerySet[M]) -> models.QuerySet[M]:
    """A booking's audit log (``booking.entries.all()``), oldest first."""
    return entries.select_related("actor").order_by("created", "pk")


def booking_inbox(
    entries: models.QuerySet[M], *, parties: models.Q, user: User
) -> models.QuerySet[M]:
    """In-app notifications: the steps of ``entries`` matching ``parties`` that
    somebody other than ``user`` took, newest first."""
    entries = entries.select_related("booking", "actor").filter(parties).exclude(actor=user)
    return entries.distinct().order_by("-created", "-pk")
