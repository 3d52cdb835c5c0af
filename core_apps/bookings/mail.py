"""The notice of a booking step to the other side, shared by artist and space
bookings: themed, in the community's language, once per step (effect marker)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.urls import reverse
from django.utils.functional import Promise

from pista.outbox.services import effect_once
from tenants.current import community_current, community_url
from themes.mail import community_email_build


def booking_step_notify(
    *,
    entry: Any,
    recipients: Sequence[str],
    kind: str,
    actions: Mapping[str, str | Promise],
    time_zone: str = "",
    context: Mapping[str, Any] | None = None,
) -> None:
    """Email ``recipients`` that ``entry``'s step happened to its booking. ``kind``
    names the app (``artists`` or ``venues``): its ``<kind>/email/booking_step``
    templates, its ``<kind>:booking`` page and the marker that sends it once.
    Times read in ``time_zone`` (else the community's)."""
    if not recipients:
        return
    with effect_once(f"{kind}-booking-entry:{entry.pk}:notify-email") as first:
        if not first:
            return
        booking = entry.booking
        link = community_url(community=community_current()) + reverse(
            f"{kind}:booking", args=[booking.pk]
        )
        # One email per recipient, each in their own language.
        for recipient in recipients:
            community_email_build(
                template_prefix=f"{kind}/email/booking_step",
                context={
                    "entry": entry,
                    "booking": booking,
                    "action": actions.get(entry.action, entry.action.replace("_", " ")),
                    "link": link,
                    **(context or {}),
                },
                to=[recipient],
                time_zone=time_zone,
            ).send()
