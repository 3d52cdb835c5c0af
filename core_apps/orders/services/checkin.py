"""Check-in: once per ticket, once per entry for class packs."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from core_apps.orders.models import (
    CheckIn,
    Order,
    Position,
)
from core_apps.orders.services.common import order_log
from core_apps.orders.services.errors import CheckInRefused
from core_apps.privacy.services import audit_record
from pista.domain_events import domain_event_emit
from pista.errors import NotFound

if TYPE_CHECKING:
    from core_apps.accounts.models import User


@dataclass(frozen=True)
class CheckInResult:
    position: Position
    checkins_left: int | None


def position_check_in(*, secret: str, actor: User | None, location: str = "") -> CheckInResult:
    """Admit the holder of a ticket once (a class pack: once per entry, while
    valid). Raises NotFound, CheckInRefused (with when/where it was first
    scanned, or why)."""
    position = Position.objects.select_related("order", "product").filter(secret=secret).first()
    if position is None:
        raise NotFound("Unknown ticket.", code="ticket_unknown")
    if position.status != Position.Status.VALID or position.order.status not in (
        Order.Status.PAID,
        Order.Status.PARTIALLY_REFUNDED,
    ):
        raise CheckInRefused(
            f"This ticket is not valid (order {position.order.get_status_display().lower()}).",
            code="ticket_invalid",
        )
    if position.order.dispute_status == "lost":
        raise CheckInRefused(
            "This ticket is not valid: its payment was charged back.", code="ticket_disputed"
        )
    now = timezone.now()
    with transaction.atomic():
        if position.checkins_left is not None:
            if position.valid_until and now >= position.valid_until:
                raise CheckInRefused("This class pack has expired.", code="pack_expired")
            ok = Position.objects.filter(pk=position.pk, checkins_left__gt=0).update(
                checkins_left=F("checkins_left") - 1, checked_in_at=now
            )
            if not ok:
                raise CheckInRefused("This class pack is used up.", code="pack_used_up")
        else:
            ok = Position.objects.filter(pk=position.pk, checked_in_at__isnull=True).update(
                checked_in_at=now
            )
            if not ok:
                first = position.checkins.order_by("pk").first()
                raise CheckInRefused(
                    "Already checked in.",
                    code="already_checked_in",
                    extra={
                        "first_at": first.created.isoformat() if first else None,
                        "first_location": first.location if first else "",
                    },
                )
        checkin = CheckIn.objects.create(position=position, actor=actor, location=location[:100])
        domain_event_emit(
            "checkin.created",
            checkin=checkin.pk,
            order=position.order.code,
            position=position.pk,
            location=location[:100],
        )
        order_log(
            order=position.order,
            action="position.checked_in",
            actor=actor,
            position=position.pk,
            location=location,
        )
        audit_record(
            "ticket.check_in",
            actor=actor,
            target=position.order,
            data={"position": position.pk, "location": location[:100]},
        )
    position.refresh_from_db()
    return CheckInResult(position=position, checkins_left=position.checkins_left)
