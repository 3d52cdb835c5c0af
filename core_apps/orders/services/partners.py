"""Partner claims: each attendee of a couple registration whose email isn't
the buyer's gets a signed, time-limited link to claim their own ticket with
their account. Claiming only records the holder: the couple's two tickets stay
in one order, admitted (or waitlisted) together, roles and places unchanged.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core_apps.orders.models import Order, Position
from core_apps.orders.services.common import order_log
from core_apps.privacy.services import audit_record
from pista.errors import ApplicationError, Conflict, NotFound, PermissionDenied
from pista.tenancy import current_schema
from tenants.current import community_current, community_url

if TYPE_CHECKING:
    from core_apps.accounts.models import User

CLAIM_SALT = "pista.orders.partner-claim"


class ClaimExpired(ApplicationError):
    default_code = "claim_expired"
    status_code = 410


def _claim_days() -> int:
    return int(getattr(settings, "PISTA_PARTNER_CLAIM_DAYS", 14))


@dataclass(frozen=True)
class ClaimLink:
    url: str
    expires: datetime


def partner_claim_link(*, position: Position) -> ClaimLink:
    """The signed claim link of one ticket (bound to this community, the ticket
    and its holder's email: a transferred ticket's old link stops working)."""
    token = signing.dumps(
        {"s": current_schema(), "p": position.pk, "e": position.attendee_email.strip().lower()},
        salt=CLAIM_SALT,
    )
    url = community_url(community=community_current()) + f"/orders/partner/{token}/"
    return ClaimLink(url=url, expires=timezone.now() + timedelta(days=_claim_days()))


def partner_claims_send(*, order: Order) -> int:
    """Email a claim link to every coupled attendee who isn't the buyer and
    hasn't claimed yet. Returns the emails sent."""
    from core_apps.orders.mail import partner_claim_send

    buyer = order.email.strip().lower()
    sent = 0
    for position in order.positions.select_related("product", "order").filter(
        status=Position.Status.VALID, partner__isnull=False, holder__isnull=True
    ):
        if position.attendee_email.strip().lower() == buyer:
            continue
        link = partner_claim_link(position=position)
        partner_claim_send(position=position, link=link.url, expires=link.expires)
        sent += 1
    return sent


def partner_claim_position(*, token: str) -> Position:
    """The ticket a claim link is for. Raises NotFound (bad link, or a link of
    another community: ``claim_other_community``), ClaimExpired."""
    try:
        data = signing.loads(token, salt=CLAIM_SALT, max_age=timedelta(days=_claim_days()))
    except signing.SignatureExpired as exc:
        raise ClaimExpired(
            _("This claim link has expired: ask your partner to resend it.")
        ) from exc
    except signing.BadSignature as exc:
        raise NotFound(_("This claim link isn't valid."), code="claim_invalid") from exc
    if data.get("s") != current_schema():
        raise NotFound(
            _("This claim link belongs to another community."), code="claim_other_community"
        )
    position = (
        Position.objects.select_related("order", "product", "partner")
        .filter(pk=data.get("p"))
        .first()
    )
    if position is None or position.attendee_email.strip().lower() != data.get("e"):
        raise NotFound(_("This claim link isn't valid anymore."), code="claim_invalid")
    return position


def partner_claim(*, token: str, user: User) -> Position:
    """Link the ticket behind ``token`` to ``user``, whose email must be the
    ticket's. Raises NotFound, ClaimExpired, PermissionDenied
    (``claim_wrong_account``), Conflict (``claim_already`` / ``claim_ticket_invalid``)."""
    position = partner_claim_position(token=token)
    if (user.email or "").strip().lower() != position.attendee_email.strip().lower():
        raise PermissionDenied(
            _("This ticket is for another email address: sign in with that account."),
            code="claim_wrong_account",
        )
    if position.status != Position.Status.VALID or position.order.status not in (
        Order.Status.PAID,
        Order.Status.PARTIALLY_REFUNDED,
    ):
        raise Conflict(_("This ticket isn't valid anymore."), code="claim_ticket_invalid")
    now = timezone.now()
    with transaction.atomic():
        if not Position.objects.filter(pk=position.pk, holder__isnull=True).update(
            holder=user, claimed_at=now
        ):
            raise Conflict(_("This ticket was already claimed."), code="claim_already")
        order_log(order=position.order, action="position.claimed", actor=user, position=position.pk)
        audit_record(
            "ticket.partner_claim",
            actor=user,
            target=position.order,
            data={"position": position.pk},
        )
    position.refresh_from_db()
    return position
