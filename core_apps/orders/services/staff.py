"""What staff do to one order in the back office: mark paid, resend the
tickets, cancel, refund, change an attendee, extend the payment deadline.

Each call checks the actor's permission, states its reason, keeps the order
services' rules (exactly-once payment, refunds reserved on the order so two
concurrent ones never exceed what was paid, role counters moved through
ticketing) and records an audit entry and an order log line."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core_apps.orders.models import Order, Position
from core_apps.orders.services.common import order_log
from core_apps.orders.services.errors import InvalidAttendee, OrderStateConflict
from core_apps.orders.services.payments import order_mark_paid
from core_apps.orders.services.refunds import order_cancel, order_refund
from core_apps.privacy.services import audit_record
from core_apps.ticketing.balance import DanceRole
from core_apps.ticketing.services import quotas_role_move
from pista.errors import ApplicationError, PermissionDenied

if TYPE_CHECKING:
    from core_apps.accounts.models import User

REASON_MAX = 500
ROLES = {"", DanceRole.LEAD.value, DanceRole.FOLLOW.value}


def _staff_check(actor: User, reason: str) -> str:
    if not actor.has_perm("orders.change_order"):
        raise PermissionDenied(_("You may not change orders."))
    reason = (reason or "").strip()
    if not reason:
        raise ApplicationError(
            _("Give a reason: it goes into the audit log."), code="reason_required"
        )
    return reason[:REASON_MAX]


def _status_name(order: Order) -> str:
    return str(order.get_status_display()).lower()


def order_staff_mark_paid(*, order: Order, actor: User, reason: str, reference: str = "") -> Order:
    """Confirm that a pending bank-transfer (or door) payment arrived; the
    tickets and invoice follow. Raises PermissionDenied, OrderStateConflict
    (not pending: a cancelled, expired or paid order; a card order)."""
    reason = _staff_check(actor, reason)
    if order.status != Order.Status.PENDING:
        raise OrderStateConflict(
            _("A %(status)s order can't be marked as paid.") % {"status": _status_name(order)},
            code="not_pending",
        )
    if order.provider == Order.Provider.STRIPE:
        raise OrderStateConflict(
            _("Card payments are confirmed by the card provider, not by hand."),
            code="card_payment",
        )
    return order_mark_paid(
        order=order,
        actor=actor,
        provider=order.provider,
        reference=reference.strip()[:64],
        reason=reason,
    )


def order_staff_cancel(*, order: Order, actor: User, reason: str) -> Order:
    """Cancel a pending (or free) order; the places go back. A paid order is
    refunded instead. Raises PermissionDenied, OrderStateConflict."""
    reason = _staff_check(actor, reason)
    if order.status in (Order.Status.PAID, Order.Status.PARTIALLY_REFUNDED) and order.total_minor:
        raise OrderStateConflict(
            _("A paid order is refunded, not cancelled: use Refund."), code="paid_refund_instead"
        )
    return order_cancel(order=order, actor=actor, reason=reason)


def order_staff_refund(
    *, order: Order, actor: User, reason: str, amount_minor: int | None = None
) -> Order:
    """Refund a paid order fully (``amount_minor`` None: places go back) or
    partly, to the original payment, with a credit note. Concurrent refunds of
    one order never exceed what was paid: each reserves its amount with one
    conditional UPDATE on the order row. Raises PermissionDenied,
    OrderStateConflict, ApplicationError ``invalid_amount`` (nothing done),
    stripe_gateway.RefundFailed (nothing changed)."""
    reason = _staff_check(actor, reason)
    if order.status not in (Order.Status.PAID, Order.Status.PARTIALLY_REFUNDED):
        raise OrderStateConflict(
            _("A %(status)s order has nothing to refund.") % {"status": _status_name(order)},
            code="not_paid",
        )
    return order_refund(order=order, actor=actor, amount_minor=amount_minor, reason=reason)


def order_tickets_resend(*, order: Order, actor: User, reason: str) -> Order:
    """Send the tickets email again (after commit, through the outbox). Raises
    PermissionDenied, OrderStateConflict (no paid, valid ticket)."""
    from core_apps.orders.tasks import order_tickets_resend_task
    from pista.tasks import task_enqueue_on_commit

    reason = _staff_check(actor, reason)
    if order.status not in (Order.Status.PAID, Order.Status.PARTIALLY_REFUNDED) or not (
        order.positions.filter(status=Position.Status.VALID).exists()
    ):
        raise OrderStateConflict(
            _("Only a paid order with valid tickets has tickets to send."), code="no_tickets"
        )
    with transaction.atomic():
        entry = order_log(order=order, action="tickets.resent", actor=actor, reason=reason)
        audit_record("order.tickets_resend", actor=actor, target=order, data={"reason": reason})
        task_enqueue_on_commit(order_tickets_resend_task, order_id=order.pk, resend_id=entry.pk)
    return order


def position_attendee_change(
    *, position: Position, actor: User, reason: str, name: str, email: str, role: str
) -> Position:
    """Correct a ticket's attendee (name, email) or role. A role change moves
    the place between the role counters of the ticket's quotas
    (``quotas_role_move``), so leads and follows stay counted right. The QR
    code stays. Raises PermissionDenied, InvalidAttendee, OrderStateConflict."""
    reason = _staff_check(actor, reason)
    name, email, role = name.strip(), email.strip(), (role or "").strip()
    if not name or "@" not in email:
        raise InvalidAttendee(_("An attendee needs a name and an email address."))
    if role not in ROLES:
        raise InvalidAttendee(_("The role is lead, follow or none."), code="role_invalid")
    with transaction.atomic():
        current = Position.objects.select_for_update().select_related("order").get(pk=position.pk)
        if current.status != Position.Status.VALID or current.order.status not in (
            Order.Status.PENDING,
            Order.Status.PAID,
            Order.Status.PARTIALLY_REFUNDED,
        ):
            raise OrderStateConflict(_("Only a valid ticket of a live order can be changed."))
        if bool(role) != bool(current.role_admitted):
            raise InvalidAttendee(
                _("This ticket's product doesn't balance roles.")
                if not current.role_admitted
                else _("A role-balanced ticket keeps a role: lead or follow."),
                code="role_invalid",
            )
        before = {
            "name": current.attendee_name,
            "email": current.attendee_email,
            "role": current.role_admitted,
        }
        if role and role != current.role_admitted and current.quota_ids:
            quotas_role_move(
                quota_ids=current.quota_ids, from_role=current.role_admitted, to_role=role
            )
        current.attendee_name = name[:200]
        current.attendee_email = email[:254]
        if role:
            current.role_admitted = role
            current.role = role
        current.save(update_fields=["attendee_name", "attendee_email", "role_admitted", "role"])
        after = {"name": current.attendee_name, "email": current.attendee_email, "role": role}
        order_log(
            order=current.order,
            action="position.changed",
            actor=actor,
            position=current.pk,
            previous=before,
            to=after,
            reason=reason,
        )
        audit_record(
            "order.attendee_change",
            actor=actor,
            target=current.order,
            data={"position": current.pk, "previous": before, "to": after, "reason": reason},
        )
    return current


def order_deadline_extend(*, order: Order, actor: User, reason: str, until: datetime) -> Order:
    """Give a pending order (its hold, a bank transfer's payment deadline)
    until ``until``; the places stay held. Raises PermissionDenied,
    OrderStateConflict (no longer pending, even if it lapsed meanwhile),
    ApplicationError ``invalid_deadline`` (not later than now and the current deadline)."""
    reason = _staff_check(actor, reason)
    if until <= timezone.now() or (order.expires_at and until <= order.expires_at):
        raise ApplicationError(
            _("The new deadline must be later than now and than the current one."),
            code="invalid_deadline",
        )
    with transaction.atomic():
        previous = order.expires_at
        # Conditional: an expiry that won the race stays an expiry.
        if not Order.objects.filter(pk=order.pk, status=Order.Status.PENDING).update(
            expires_at=until
        ):
            order.refresh_from_db()
            raise OrderStateConflict(
                _("A %(status)s order has no deadline to extend.")
                % {"status": _status_name(order)},
                code="not_pending",
            )
        order.refresh_from_db()
        data = {
            "previous": previous.isoformat() if previous else None,
            "until": until.isoformat(),
            "reason": reason,
        }
        order_log(order=order, action="order.deadline_extended", actor=actor, **data)
        audit_record("order.deadline_extend", actor=actor, target=order, data=data)
    return order
