"""Emails about orders, in the community's theme (``themes.services``'
email layout) and language: the tickets (a QR code per attendee, the invoice
PDF and an ``.ics``), bank-transfer instructions, waitlist offers, payment
reminders, refunds (with the
credit note) and partner claim links."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from django.core.mail import EmailMultiAlternatives
from django.utils import translation

from core_apps.orders.models import Order, Position, Refund, WaitlistEntry
from core_apps.orders.qr import position_qr_png
from core_apps.orders.selectors import bank_transfer_details
from pista.outbox.services import effect_once
from tenants.current import community_current, community_url
from themes.mail import email_message_build, recipient_language


def _ics(order: Order) -> str:
    event = order.event
    if event is None:
        return ""
    stamp = "%Y%m%dT%H%M%SZ"
    return "\r\n".join(
        [
            "BEGIN:VCALENDAR",
            "VERSION:2.0",
            "PRODID:-//Pista//Tickets//EN",
            "BEGIN:VEVENT",
            f"UID:order-{order.code}@pista",
            f"DTSTAMP:{order.created.astimezone(UTC).strftime(stamp)}",
            f"DTSTART:{event.starts_at.astimezone(UTC).strftime(stamp)}",
            f"DTEND:{event.ends_at.astimezone(UTC).strftime(stamp)}",
            f"SUMMARY:{event.title}",
            "END:VEVENT",
            "END:VCALENDAR",
            "",
        ]
    )


def _themed(
    *, prefix: str, context: dict[str, Any], to: str, language: str
) -> EmailMultiAlternatives:
    """An order email in the community's theme (layout, logo, colours) and in
    the recipient's language: a member's stored choice, else ``language`` (the
    order's), else the community's (``recipient_language``)."""
    community = community_current()
    with translation.override(recipient_language(to, fallback=language)):
        return email_message_build(
            template_prefix=f"orders/email/{prefix}",
            context={"community": community, **context},
            to=[to],
        )


def _order_link(order: Order) -> str:
    return community_url(community=community_current()) + f"/orders/{order.code}/{order.secret}/"


def order_tickets_send(*, order: Order) -> None:
    """The confirmation: tickets with a QR code per attendee, the invoice PDF
    and the event's ``.ics`` — once per order, however often it is asked."""
    with effect_once(f"order:{order.pk}:tickets-email") as first:
        if first:
            _order_tickets_message(order).send()


def order_tickets_resend(*, order_id: int, resend_id: int) -> None:
    """The tickets email again, asked for by staff: once per request."""
    order = Order.objects.filter(pk=order_id).first()
    if order is None:
        return
    with effect_once(f"order:{order.pk}:tickets-resend:{resend_id}") as first:
        if first:
            _order_tickets_message(order).send()


def _order_tickets_message(order: Order) -> EmailMultiAlternatives:
    positions = list(order.positions.select_related("product").filter(status="valid"))
    message = _themed(
        prefix="tickets",
        context={"order": order, "positions": positions, "link": _order_link(order)},
        to=order.email,
        language=order.language,
    )
    for position in positions:
        message.attach(
            f"ticket-{position.pk}.png", position_qr_png(secret=position.secret), "image/png"
        )
    from core_apps.orders.invoices import invoice_pdf

    for invoice in order.invoices.filter(kind="invoice"):
        message.attach(
            f"invoice-{invoice.number}.pdf", invoice_pdf(invoice=invoice), "application/pdf"
        )
    ics = _ics(order)
    if ics:
        message.attach("event.ics", ics, "text/calendar")
    return message


def waitlist_offer_send(*, entry: WaitlistEntry) -> None:
    """Offer a freed place to a waitlisted person: once per offer."""
    offer = entry.offer_expires_at.isoformat() if entry.offer_expires_at else ""
    with effect_once(f"waitlist:{entry.pk}:offer:{offer}") as first:
        if not first:
            return
        link = community_url(community=community_current()) + f"/orders/waitlist/{entry.secret}/"
        _themed(
            prefix="waitlist_offer",
            context={"entry": entry, "link": link},
            to=entry.email,
            language="",
        ).send()


def order_transfer_instructions_send(*, order: Order) -> None:
    """Right after a bank-transfer order: where to pay (account holder, IBAN,
    BIC), the reference, the amount and the deadline — once per order."""
    with effect_once(f"order:{order.pk}:transfer-instructions") as first:
        if first:
            _themed(
                prefix="transfer_instructions",
                context={
                    "order": order,
                    "link": _order_link(order),
                    "bank": bank_transfer_details(),
                    "zone": order.event.time_zone if order.event else community_current().time_zone,
                },
                to=order.email,
                language=order.language,
            ).send()


def order_payment_reminder_send(*, order: Order) -> None:
    """The reminder to pay a bank-transfer order: once per order."""
    with effect_once(f"order:{order.pk}:payment-reminder") as first:
        if first:
            _themed(
                prefix="payment_reminder",
                context={
                    "order": order,
                    "link": _order_link(order),
                    "bank": bank_transfer_details(),
                    "zone": community_current().time_zone,
                },
                to=order.email,
                language=order.language,
            ).send()


def order_refund_send(*, refund: Refund) -> None:
    """The refund notice with its credit note: once per refund."""
    with effect_once(f"refund:{refund.pk}:email") as first:
        if first:
            _refund_message(refund).send()


def _refund_message(refund: Refund) -> EmailMultiAlternatives:
    from core_apps.orders.invoices import invoice_pdf

    order = refund.order
    message = _themed(
        prefix="refund",
        context={
            "order": order,
            "refund": refund,
            "link": _order_link(order),
        },
        to=order.email,
        language=order.language,
    )
    note = order.invoices.filter(kind="credit_note", total_minor=-refund.amount_minor).last()
    if note is not None:
        message.attach(
            f"credit-note-{note.number}.pdf", invoice_pdf(invoice=note), "application/pdf"
        )
    return message


def partner_claim_send(*, position: Position, link: str, expires: datetime) -> None:
    """Ask a registered partner to claim their own ticket."""
    order = position.order
    _themed(
        prefix="partner_claim",
        context={"order": order, "position": position, "link": link, "expires": expires},
        to=position.attendee_email,
        language=order.language,
    ).send()
