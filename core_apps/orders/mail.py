"""Emails about orders: the tickets (a QR code per attendee and an ``.ics``)
and waitlist offers, in the community's language."""

from __future__ import annotations

import io
from datetime import UTC

import segno
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation

from core_apps.orders.models import Order, WaitlistEntry
from tenants.selectors import community_current, community_url


def position_qr_png(*, secret: str) -> bytes:
    buffer = io.BytesIO()
    segno.make(secret, error="m").save(buffer, kind="png", scale=5)
    return buffer.getvalue()


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


def order_tickets_send(*, order: Order) -> None:
    community = community_current()
    positions = list(order.positions.select_related("product").filter(status="valid"))
    link = community_url(community=community) + f"/orders/{order.code}/{order.secret}/"
    with translation.override(order.language or community.language):
        context = {"order": order, "positions": positions, "community": community, "link": link}
        body = render_to_string("orders/email_tickets.txt", context)
        html = render_to_string("orders/email_tickets.html", context)
        message = EmailMultiAlternatives(
            subject=f"{community.name}: your tickets ({order.code})",
            body=body,
            to=[order.email],
        )
        message.attach_alternative(html, "text/html")
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
        message.send()


def waitlist_offer_send(*, entry: WaitlistEntry) -> None:
    community = community_current()
    link = community_url(community=community) + f"/orders/waitlist/{entry.secret}/"
    with translation.override(community.language):
        EmailMultiAlternatives(
            subject=f"{community.name}: a place is free for you",
            body=render_to_string(
                "orders/email_waitlist_offer.txt",
                {"entry": entry, "community": community, "link": link},
            ),
            to=[entry.email],
        ).send()


def order_payment_reminder_send(*, order: Order) -> None:
    community = community_current()
    link = community_url(community=community) + f"/orders/{order.code}/{order.secret}/"
    with translation.override(order.language or community.language):
        EmailMultiAlternatives(
            subject=f"{community.name}: order {order.code} is waiting for your payment",
            body=render_to_string(
                "orders/email_payment_reminder.txt",
                {"order": order, "community": community, "link": link},
            ),
            to=[order.email],
        ).send()
