"""Ticket transfer to another person (role-balanced tickets keep their role)."""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils.translation import gettext as _

from core_apps.orders.models import (
    Order,
    Position,
)
from core_apps.orders.services.common import order_log
from core_apps.orders.services.errors import InvalidAttendee, OrderStateConflict
from core_apps.ticketing.services import (
    RoleImbalance,
    quotas_role_move,
)

if TYPE_CHECKING:
    from core_apps.accounts.models import User


def position_transfer(
    *, position: Position, name: str, email: str, role: str = "", actor: User | None = None
) -> Position:
    """Hand a ticket to someone else: a new holder and a new QR code (the old
    one stops working). On a role-balanced product the role stays the same
    unless staff (``actor`` with ``orders.change_order``) override it.
    Raises InvalidAttendee, OrderStateConflict, RoleImbalance."""
    if not name.strip() or "@" not in email:
        raise InvalidAttendee(_("The new holder needs a name and an email address."))
    if position.status != Position.Status.VALID or position.order.status not in (
        Order.Status.PAID,
        Order.Status.PARTIALLY_REFUNDED,
    ):
        raise OrderStateConflict(_("Only valid, paid tickets can be transferred."))
    staff = actor is not None and actor.has_perm("orders.change_order")
    if not position.product.allow_transfer and not staff:
        raise OrderStateConflict(
            _("Tickets for this product can't be transferred."), code="transfer_not_allowed"
        )
    if position.checked_in_at is not None:
        raise OrderStateConflict(_("A ticket that was used can't be transferred."))
    new_role = role or position.role_admitted
    if position.role_admitted and new_role != position.role_admitted and not staff:
        raise RoleImbalance(
            _("A ticket keeps its role: a leader's ticket goes to a leader."),
            code="transfer_role",
            extra={"role": position.role_admitted},
        )
    with transaction.atomic():
        old = Position.objects.select_for_update().get(pk=position.pk)
        previous = {"name": old.attendee_name, "email": old.attendee_email}
        if new_role != old.role_admitted and old.quota_ids:
            # Staff override: move the place between the role counters.
            quotas_role_move(quota_ids=old.quota_ids, from_role=old.role_admitted, to_role=new_role)
        old.attendee_name = name.strip()
        old.attendee_email = email.strip()
        old.role_admitted = new_role
        old.secret = secrets.token_urlsafe(24)
        old.holder = None  # the new holder claims it afresh
        old.claimed_at = None
        old.save(
            update_fields=[
                "attendee_name",
                "attendee_email",
                "role_admitted",
                "secret",
                "holder",
                "claimed_at",
            ]
        )
        order_log(
            order=old.order,
            action="position.transferred",
            actor=actor,
            position=old.pk,
            previous=previous,
            to={"name": old.attendee_name, "email": old.attendee_email, "role": new_role},
        )
    return old
