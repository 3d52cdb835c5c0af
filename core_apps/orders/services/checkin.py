"""Check-in lists and admission at the door (pretix's model).

A :class:`CheckinList` belongs to one event, optionally to one of its dates
and some of its products. A ticket is admitted once per list and date: on a
list for one date, once; on a list for the whole event, once per date of the
event (the date nearest the scan), so a three-day pass enters on each day's
list, or each day on the event's list. A class pack spends one entry per
admission and is refused once used up or expired; a membership is admitted
within its period (and its entries per period, when the product limits them).

Two scanners reading the same ticket at once: the position's row is locked
(``SELECT … FOR UPDATE``) before the earlier admissions are read, and a partial
unique index on (position, list, date) backs it up, so one of them is admitted
and the other refused.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from dateutil.relativedelta import relativedelta
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from core_apps.orders.models import CheckIn, CheckinList, Order, Position
from core_apps.orders.selectors import checkin_occurrence
from core_apps.orders.services.common import order_log
from core_apps.orders.services.errors import CheckInRefused, InvalidCheckinList
from core_apps.privacy.services import audit_record
from core_apps.ticketing.models import Product
from pista.domain_events import domain_event_emit
from pista.errors import NotFound, PermissionDenied
from pista.formats import date_format

if TYPE_CHECKING:
    from core_apps.accounts.models import User
    from core_apps.events.models import Event, EventDate

CHECKIN_PERMISSION = "orders.add_checkin"
LIST_PERMISSION = "orders.change_checkinlist"


@dataclass(frozen=True)
class CheckInResult:
    position: Position
    checkins_left: int | None
    checkin: CheckIn | None = None


def _require(actor: User | None, perm: str) -> None:
    # ``actor=None`` is the system (demo data, migrations); people need the permission.
    if actor is not None and not actor.has_perm(perm):
        raise PermissionDenied(_("Staff only."))


# --- Lists -------------------------------------------------------------------


def _product_event_ids(product: Product) -> set[int]:
    """The events a product admits to: its own, those it covers, and the events
    of the dates it covers."""
    ids = {product.event_id} if product.event_id else set()
    ids |= {e.pk for e in product.covers_events.all()}
    ids |= {d.event_id for d in product.covers_dates.all()}
    return ids


def _list_validate(
    *, event: Event, name: str, event_date: EventDate | None, products: Iterable[Product]
) -> list[Product]:
    if not name.strip():
        raise InvalidCheckinList(_("Give the list a name."), code="name_missing")
    if event_date is not None and event_date.event_id != event.pk:
        raise InvalidCheckinList(
            _("That date belongs to another event."), code="date_of_other_event"
        )
    chosen = list(products)
    for product in chosen:
        if event.pk not in _product_event_ids(product):
            raise InvalidCheckinList(
                _("%(product)s is not sold for this event.") % {"product": product.name},
                code="product_of_other_event",
            )
    return chosen


def _list_audit(action: str, checkin_list: CheckinList, actor: User | None) -> None:
    audit_record(
        action,
        actor=actor,
        target=checkin_list,
        data={
            "event": checkin_list.event_id,
            "name": checkin_list.name,
            "event_date": checkin_list.event_date_id,
            "products": sorted(p.pk for p in checkin_list.products.all()),
            "is_active": checkin_list.is_active,
        },
    )


@transaction.atomic
def checkin_list_create(
    *,
    actor: User | None,
    event: Event,
    name: str,
    event_date: EventDate | None = None,
    products: Iterable[Product] = (),
) -> CheckinList:
    """A new check-in list for ``event`` (one date and some products, or all).
    Raises PermissionDenied, InvalidCheckinList."""
    _require(actor, LIST_PERMISSION)
    chosen = _list_validate(event=event, name=name, event_date=event_date, products=products)
    checkin_list = CheckinList.objects.create(
        event=event, name=name.strip()[:200], event_date=event_date
    )
    checkin_list.products.set(chosen)
    _list_audit("checkin_list.create", checkin_list, actor)
    return checkin_list


@transaction.atomic
def checkin_list_update(
    *,
    actor: User | None,
    checkin_list: CheckinList,
    name: str,
    event_date: EventDate | None,
    products: Iterable[Product],
    is_active: bool = True,
) -> CheckinList:
    """Change a list's name, date, products or whether it scans. Admissions
    already made stay. Raises PermissionDenied, InvalidCheckinList."""
    _require(actor, LIST_PERMISSION)
    chosen = _list_validate(
        event=checkin_list.event, name=name, event_date=event_date, products=products
    )
    checkin_list.name = name.strip()[:200]
    checkin_list.event_date = event_date
    checkin_list.is_active = is_active
    checkin_list.save(update_fields=["name", "event_date", "is_active"])
    checkin_list.products.set(chosen)
    _list_audit("checkin_list.update", checkin_list, actor)
    return checkin_list


def checkin_list_default(*, event: Event) -> CheckinList:
    """The event's list for every ticket and date, created on first use."""
    found = CheckinList.objects.filter(event=event, is_default=True).first()
    if found is not None:
        return found
    try:
        with transaction.atomic():
            return CheckinList.objects.create(event=event, name=_("All tickets"), is_default=True)
    except IntegrityError:  # created meanwhile by another scan
        return CheckinList.objects.get(event=event, is_default=True)


@transaction.atomic
def checkin_lists_per_date_create(*, actor: User | None, event: Event) -> list[CheckinList]:
    """One list per scheduled date of ``event`` that has none yet (a festival's
    day lists). Raises PermissionDenied."""
    _require(actor, LIST_PERMISSION)
    have = set(
        CheckinList.objects.filter(event=event, event_date__isnull=False).values_list(
            "event_date_id", flat=True
        )
    )
    created: list[CheckinList] = []
    for event_date in event.dates.filter(status="scheduled").order_by("starts_at"):
        if event_date.pk in have:
            continue
        checkin_list = CheckinList.objects.create(
            event=event,
            name=date_format(event_date.starts_at, event.time_zone),
            event_date=event_date,
        )
        _list_audit("checkin_list.create", checkin_list, actor)
        created.append(checkin_list)
    return created


# --- Admission -----------------------------------------------------------------


def _occurrence(checkin_list: CheckinList, now: datetime) -> datetime | None:
    """Raises CheckInRefused when the list's date is cancelled."""
    if checkin_list.event_date is not None and checkin_list.event_date.status == "cancelled":
        raise CheckInRefused(_("This date is cancelled."), code="date_cancelled")
    return checkin_occurrence(checkin_list, now)


def _position_on_list(position: Position, checkin_list: CheckinList) -> None:
    """Refuse a ticket the list doesn't admit. Raises CheckInRefused."""
    product = position.product
    events = _product_event_ids(product)
    anywhere = not events and product.kind in (Product.Kind.CLASS_PACK, Product.Kind.MEMBERSHIP)
    if not anywhere and checkin_list.event_id not in events:
        raise CheckInRefused(
            _("This ticket is for another event, not %(event)s.")
            % {"event": checkin_list.event.title},
            code="wrong_event",
        )
    list_products = {p.pk for p in checkin_list.products.all()}
    if list_products and product.pk not in list_products:
        raise CheckInRefused(
            _("%(product)s is not admitted on the list %(list)s.")
            % {"product": product.name, "list": checkin_list.name},
            code="product_not_on_list",
        )
    if (
        position.event_date_id
        and checkin_list.event_date_id
        and position.event_date_id != checkin_list.event_date_id
    ):
        raise CheckInRefused(_("This ticket is for another date."), code="wrong_date")
    dates = [d for d in product.covers_dates.all() if d.event_id == checkin_list.event_id]
    if (
        dates
        and checkin_list.event_date_id
        and checkin_list.event_date_id not in {d.pk for d in dates}
    ):
        raise CheckInRefused(_("This ticket is for another date."), code="wrong_date")


def _position_valid(position: Position, now: datetime) -> None:
    """Refuse tickets that are not (or no longer) valid. Raises CheckInRefused."""
    order = position.order
    if position.status != Position.Status.VALID or order.status not in (
        Order.Status.PAID,
        Order.Status.PARTIALLY_REFUNDED,
    ):
        raise CheckInRefused(
            _("This ticket is not valid (order %(status)s).")
            % {"status": order.get_status_display().lower()},
            code="ticket_invalid",
        )
    if order.dispute_status == "lost":
        raise CheckInRefused(
            _("This ticket is not valid: its payment was charged back."), code="ticket_disputed"
        )
    product = position.product
    if product.kind == Product.Kind.MEMBERSHIP:
        start, end = membership_period(position=position)
        if now < start or (end is not None and now >= end):
            raise CheckInRefused(_("This membership is not valid now."), code="membership_expired")
        if product.checkins:
            used = CheckIn.objects.filter(
                position=position, undone_at__isnull=True, created__gte=start
            ).count()
            if used >= product.checkins:
                raise CheckInRefused(
                    _("This membership's entries for the period are used up."),
                    code="membership_used_up",
                )
    if position.checkins_left is not None:
        if position.valid_until and now >= position.valid_until:
            raise CheckInRefused(_("This class pack has expired."), code="pack_expired")
        if position.checkins_left <= 0:
            raise CheckInRefused(_("This class pack is used up."), code="pack_used_up")


def membership_period(*, position: Position) -> tuple[datetime, datetime | None]:
    """When a membership ticket is valid: from its payment (or order) for one
    period of its product (or until its own ``valid_until``)."""
    start = position.order.paid_at or position.order.created
    if position.valid_until is not None:
        return start, position.valid_until
    period = position.product.period
    if period == "year":
        return start, start + relativedelta(years=1)
    if period == "month":
        return start, start + relativedelta(months=1)
    return start, None


def _already(
    position: Position, checkin_list: CheckinList | None, occurrence: datetime | None
) -> CheckIn | None:
    earlier = CheckIn.objects.filter(position=position, undone_at__isnull=True)
    if checkin_list is not None:
        earlier = earlier.filter(checkin_list=checkin_list, occurrence=occurrence)
    return earlier.order_by("pk").first()


def _refuse_already(first: CheckIn | None) -> CheckInRefused:
    return CheckInRefused(
        _("Already checked in."),
        code="already_checked_in",
        extra={
            "first_at": first.created.isoformat() if first else None,
            "first_location": first.location if first else "",
        },
    )


def position_for_scan(*, secret: str) -> Position:
    """The ticket behind a scanned code. Raises NotFound."""
    position = (
        Position.objects.select_related("order", "product", "event_date")
        .prefetch_related("product__covers_events", "product__covers_dates")
        .filter(secret=secret.strip())
        .first()
    )
    if position is None:
        raise NotFound(_("Unknown ticket."), code="ticket_unknown")
    return position


def position_check_in(
    *,
    secret: str,
    actor: User | None,
    location: str = "",
    checkin_list: CheckinList | None = None,
) -> CheckInResult:
    """Admit the holder of a ticket on ``checkin_list`` (without one: the
    default list of the ticket's event; a product for no event is admitted
    once, a class pack once per entry). Raises PermissionDenied, NotFound,
    CheckInRefused (``wrong_event``, ``product_not_on_list``, ``wrong_date``,
    ``list_inactive``, ``ticket_invalid``, ``already_checked_in`` with when and
    where it was first scanned, ``pack_used_up`` …)."""
    _require(actor, CHECKIN_PERMISSION)
    position = position_for_scan(secret=secret)
    if checkin_list is None:
        event = position.product.event or position.order.event
        if event is not None:
            checkin_list = checkin_list_default(event=event)
    now = timezone.now()
    occurrence = None
    if checkin_list is not None:
        if not checkin_list.is_active:
            raise CheckInRefused(_("This check-in list is closed."), code="list_inactive")
        _position_on_list(position, checkin_list)
        occurrence = _occurrence(checkin_list, now)
        if position.event_date is not None and checkin_list.event_date_id is None:
            # A ticket to one date counts for that date on the event's list.
            if position.event_date.status == "cancelled":
                raise CheckInRefused(_("This date is cancelled."), code="date_cancelled")
            occurrence = position.event_date.original_start
    location = location.strip()[:100]
    try:
        with transaction.atomic():
            # Serialises scans of this ticket: the second waits here, then sees the first.
            position = Position.objects.select_for_update().get(pk=position.pk)
            _position_valid(position, now)
            first = _already(position, checkin_list, occurrence)
            pack = position.checkins_left is not None
            if first is not None and (checkin_list is not None or not pack):
                raise _refuse_already(first)
            if pack:
                Position.objects.filter(pk=position.pk).update(checkins_left=F("checkins_left") - 1)
            if position.checked_in_at is None:
                Position.objects.filter(pk=position.pk).update(checked_in_at=now)
            checkin = CheckIn.objects.create(
                position=position,
                checkin_list=checkin_list,
                occurrence=occurrence,
                actor=actor,
                location=location,
            )
            domain_event_emit(
                "checkin.created",
                checkin=checkin.pk,
                checkin_list=checkin_list.pk if checkin_list else None,
                order=position.order.code,
                position=position.pk,
                location=location,
            )
            order_log(
                order=position.order,
                action="position.checked_in",
                actor=actor,
                position=position.pk,
                location=location,
                checkin_list=checkin_list.pk if checkin_list else None,
            )
            audit_record(
                "ticket.check_in",
                actor=actor,
                target=position.order,
                data={
                    "position": position.pk,
                    "location": location,
                    "checkin_list": checkin_list.pk if checkin_list else None,
                },
            )
    except IntegrityError:  # the unique index caught a scan the lock didn't order
        raise _refuse_already(_already(position, checkin_list, occurrence)) from None
    position.refresh_from_db()
    return CheckInResult(position=position, checkins_left=position.checkins_left, checkin=checkin)


def checkin_undo(*, checkin: CheckIn, actor: User | None) -> CheckIn:
    """Take an admission back (scanned by mistake): a class pack gets its entry
    back, the ticket may be scanned again on that list. Raises
    PermissionDenied, CheckInRefused (already undone)."""
    _require(actor, CHECKIN_PERMISSION)
    now = timezone.now()
    with transaction.atomic():
        position = Position.objects.select_for_update().get(pk=checkin.position_id)
        if not CheckIn.objects.filter(pk=checkin.pk, undone_at__isnull=True).update(
            undone_at=now, undone_by=actor
        ):
            raise CheckInRefused(_("This check-in was already undone."), code="already_undone")
        if position.checkins_left is not None:
            Position.objects.filter(pk=position.pk).update(checkins_left=F("checkins_left") + 1)
        if not CheckIn.objects.filter(position=position, undone_at__isnull=True).exists():
            Position.objects.filter(pk=position.pk).update(checked_in_at=None)
        order_log(
            order=position.order,
            action="position.check_in_undone",
            actor=actor,
            position=position.pk,
            checkin=checkin.pk,
        )
        audit_record(
            "ticket.check_in_undo",
            actor=actor,
            target=position.order,
            data={"position": position.pk, "checkin": checkin.pk},
        )
    checkin.refresh_from_db()
    return checkin
