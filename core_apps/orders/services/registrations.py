"""Registrations: one dancer (or couple) for one product, as checkout and the
waitlist both build them — the attendee's input, its validation, and the
waitlist entry for a registration that got no place."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _

from core_apps.orders.models import WaitlistEntry
from core_apps.orders.services.errors import InvalidAttendee
from core_apps.ticketing.balance import DanceRole, InvalidRole
from core_apps.ticketing.selectors import product_balances_roles

if TYPE_CHECKING:
    from core_apps.events.models import EventDate
    from core_apps.ticketing.models import Product


@dataclass(frozen=True)
class AttendeeIn:
    name: str
    email: str
    role: str = ""
    partner_name: str = ""
    partner_email: str = ""
    answers: dict[str, Any] = field(default_factory=dict)


@dataclass
class Registration:
    """One attendee (with a partner when ``couple``) registering for ``product``."""

    product: Product
    attendee: AttendeeIn
    couple: bool
    event_date: EventDate | None = None  # the date chosen, for a ticket to one date


def attendee_validate(*, product: Product, attendee: AttendeeIn) -> None:
    """Check one attendee against the product: name and email, a role (or a
    partner) where the product's quotas balance roles, the required and choice
    answers. Raises InvalidAttendee, InvalidRole."""
    if not attendee.name.strip() or "@" not in attendee.email:
        raise InvalidAttendee(_("Every attendee needs a name and an email address."))
    balanced = product_balances_roles(product=product)
    if attendee.partner_email or attendee.partner_name:
        if not balanced:
            raise InvalidAttendee(
                _("This product isn't sold to couples."), code="partner_not_allowed"
            )
        if not attendee.partner_name.strip() or "@" not in attendee.partner_email:
            raise InvalidAttendee(
                _("A partner needs a name and an email address."), code="partner_invalid"
            )
        if attendee.partner_email.strip().lower() in {
            attendee.email.strip().lower(),
        }:
            raise InvalidAttendee(
                _("Your partner's email must differ from your own."), code="partner_email_same"
            )
    elif balanced:
        if not attendee.role:
            raise InvalidRole(_("Choose a role: leader or follower."), code="role_required")
        try:
            DanceRole(attendee.role)
        except ValueError as exc:
            raise InvalidRole(_("Unknown role %(role)r.") % {"role": attendee.role}) from exc
    for question in product.questions.all():
        answer = attendee.answers.get(str(question.pk))
        if question.required and (answer is None or answer == "" or answer is False):
            raise InvalidAttendee(
                _("Please answer: %(label)s") % {"label": question.label},
                code="answer_required",
                extra={"question": question.pk},
            )
        if answer and question.kind == question.Kind.CHOICE and answer not in question.choice_list:
            raise InvalidAttendee(
                _("Choose one of the offered answers: %(label)s") % {"label": question.label},
                code="answer_invalid",
                extra={"question": question.pk},
            )


def waitlist_entry_build(*, registration: Registration) -> WaitlistEntry:
    """The waitlist entry for a registration, built but not saved: checkout
    saves it outside its rolled-back order transaction."""
    attendee = registration.attendee
    return WaitlistEntry(
        product=registration.product,
        email=attendee.email.strip(),
        name=attendee.name.strip(),
        role="" if registration.couple else attendee.role,
        partner_name=attendee.partner_name.strip(),
        partner_email=attendee.partner_email.strip(),
        secret=secrets.token_urlsafe(24),
    )
