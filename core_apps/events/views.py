"""HTML pages of events: the public list, calendar and event page, the iCal
feeds, and the organizer back office. Thin: parse, call a selector or a
service, render."""

from __future__ import annotations

import calendar as calendar_module
from collections import defaultdict
from datetime import date, timedelta
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from core_apps.accounts.request import authed_user
from core_apps.events.feeds import calendar_build, event_json_ld
from core_apps.events.forms import EventFilterForm, EventForm, form_errors_apply
from core_apps.events.models import EventDate
from core_apps.events.page import event_page
from core_apps.events.selectors import (
    EventFilters,
    event_date_for_staff,
    event_dates_for_feed,
    event_dates_in_month,
    event_for_slug,
    event_for_staff,
    events_for_staff,
    events_listed,
)
from core_apps.events.services import (
    event_cancel,
    event_create,
    event_date_cancel,
    event_dates_except,
    event_duplicate,
    event_publish,
    event_update,
)
from core_apps.ticketing.selectors import (
    products_for_event,
)
from pista.errors import PermissionDenied
from pista.staff_actions import staff_action_run
from tenants.current import community_current

PAGE_SIZE = 20


def _zone() -> ZoneInfo:
    return ZoneInfo(community_current().time_zone)


def event_list(request: HttpRequest) -> HttpResponse:
    form = EventFilterForm(request.GET or None)
    filters = EventFilters()
    if form.is_valid():
        data = form.cleaned_data
        filters = EventFilters(
            style=data["style"].slug if data["style"] else "",
            level=data["level"].slug if data["level"] else "",
            kind=data["kind"],
            date_from=data["date_from"],
            date_to=data["date_to"],
            teacher=data["teacher"],
            venue=data["venue"],
        )
    events = events_listed(user=request.user, filters=filters, time_zone=str(_zone()))
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "events/event_list.html",
        {"form": form, "page": page, "query": query.urlencode(), "zone": _zone()},
    )


def event_calendar(request: HttpRequest) -> HttpResponse:
    zone = _zone()
    today = timezone.now().astimezone(zone).date()
    try:
        year, month = (int(part) for part in request.GET.get("month", "").split("-"))
        first = date(year, month, 1)
    except ValueError:
        first = today.replace(day=1)
    dates = event_dates_in_month(
        user=request.user, year=first.year, month=first.month, time_zone=str(zone)
    )
    by_day: dict[date, list[EventDate]] = defaultdict(list)
    for event_date in dates:
        by_day[event_date.starts_at.astimezone(zone).date()].append(event_date)
    weeks = [
        [(day, by_day.get(day, []), day.month == first.month) for day in week]
        for week in calendar_module.Calendar().monthdatescalendar(first.year, first.month)
    ]
    previous = (first - timedelta(days=1)).replace(day=1)
    following = (first.replace(day=28) + timedelta(days=4)).replace(day=1)
    return render(
        request,
        "events/event_calendar.html",
        {
            "first": first,
            "weeks": weeks,
            "previous": previous,
            "following": following,
            "zone": zone,
        },
    )


def _event_or_404(request: HttpRequest, slug: str):
    return event_for_slug(slug=slug, user=request.user)


def event_detail(request: HttpRequest, slug: str) -> HttpResponse:
    event = _event_or_404(request, slug)
    product_list = list(products_for_event(event=event, unlock_code=request.GET.get("code", "")))
    page = event_page(event=event, products=product_list)
    products = [
        {"product": row["product"], "price": row["price"], "availability": row["availability"]}
        for row in page["tickets"]
    ]
    url = request.build_absolute_uri(event.get_absolute_url())
    return render(
        request,
        "events/event_detail.html",
        {
            "event": event,
            "dates": list(event.dates.all()),
            "products": products,
            "zone": ZoneInfo(event.time_zone),
            "json_ld": event_json_ld(event=event, products=products, url=url),
            **page,
        },
    )


def _ics_response(body: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


def event_ics(request: HttpRequest, slug: str) -> HttpResponse:
    """ "Add to calendar": every date of one event."""
    event = _event_or_404(request, slug)
    body = calendar_build(
        dates=event_dates_for_feed(event=event), name=event.title, host=request.get_host()
    )
    return _ics_response(body, f"event-{event.pk}.ics")


def community_feed(request: HttpRequest) -> HttpResponse:
    """The community's public iCal feed."""
    body = calendar_build(
        dates=event_dates_for_feed(), name=community_current().name, host=request.get_host()
    )
    return _ics_response(body, "events.ics")


# --- Organizer back office -------------------------------------------------


def _staff_only(request: HttpRequest) -> None:
    if not request.user.has_perm("events.change_event"):
        raise DjangoPermissionDenied


@login_required
def manage_event_list(request: HttpRequest) -> HttpResponse:
    _staff_only(request)
    page = Paginator(events_for_staff(), 50).get_page(request.GET.get("page"))
    return render(request, "events/manage/event_list.html", {"page": page})


def _event_form_save(request: HttpRequest, form: EventForm, event=None):
    data = dict(form.cleaned_data)
    exceptions = data.pop("repeat_except", [])
    actor = authed_user(request)
    try:
        # One transaction: an exception date outside the series undoes the save.
        with transaction.atomic():
            if event is None:
                event = event_create(actor=actor, **data)
            else:
                event = event_update(actor=actor, event=event, **data)
            event_dates_except(actor=actor, event=event, days=exceptions)
        return event
    except ValidationError as exc:
        form_errors_apply(form, exc)
    except PermissionDenied as exc:
        raise DjangoPermissionDenied(exc.message) from exc
    return None


@login_required
def manage_event_create(request: HttpRequest) -> HttpResponse:
    _staff_only(request)
    form = EventForm(request.POST or None, initial={"time_zone": str(_zone())})
    if request.method == "POST" and form.is_valid():
        event = _event_form_save(request, form)
        if event is not None:
            messages.success(request, f"{event.title} was created.")
            return redirect("manage:event-list")
    return render(request, "events/manage/form.html", {"form": form, "title": "New event"})


@login_required
def manage_event_edit(request: HttpRequest, pk: int) -> HttpResponse:
    _staff_only(request)
    event = event_for_staff(pk=pk)
    form = EventForm(request.POST or None, initial=EventForm.initial_for(event))
    if request.method == "POST" and form.is_valid() and _event_form_save(request, form, event):
        messages.success(request, f"{event.title} was saved.")
        return redirect("manage:event-list")
    return render(
        request,
        "events/manage/form.html",
        {
            "form": form,
            "title": f"Edit {event.title}",
            "event": event,
            "dates": list(event.dates.all()),
        },
    )


ACTIONS = {"publish": event_publish, "cancel": event_cancel, "duplicate": event_duplicate}


@login_required
@require_POST
def manage_event_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    _staff_only(request)
    if action not in ACTIONS:
        raise Http404
    return staff_action_run(
        request,
        action=lambda: ACTIONS[action](actor=authed_user(request), event=event_for_staff(pk=pk)),
        label=lambda event: f"{event.title}: {action}",
        done_url="manage:event-list",
    )


@login_required
@require_POST
def manage_date_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    _staff_only(request)
    event_date = event_date_for_staff(pk=pk)
    event_date_cancel(actor=authed_user(request), event_date=event_date)
    messages.success(request, f"The date {event_date.starts_at:%Y-%m-%d} was cancelled.")
    return redirect("manage:event-edit", pk=event_date.event_id)
