"""HTML pages of events: the public list, calendar and event page, the iCal
feeds, and the organizer back office. Thin: parse, call a selector or a
service, render."""

from __future__ import annotations

import calendar as calendar_module
from collections import defaultdict
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.syndication.views import Feed
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from cms.services import library_image_add, library_image_file_discard
from core_apps.accounts.request import authed_user
from core_apps.artists.selectors import artists_for_ids
from core_apps.events.feeds import calendar_build, event_json_ld
from core_apps.events.forms import EventFilterForm, EventForm, form_errors_apply
from core_apps.events.models import EventDate
from core_apps.events.page import event_page
from core_apps.events.selectors import (
    EventFilters,
    event_date_for_staff,
    event_dates_for_feed,
    event_dates_in_month,
    event_dates_upcoming_for_feed,
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
from core_apps.venues.selectors import space_get
from pista.errors import PermissionDenied
from pista.formats import first_week_day
from pista.images import InvalidImage
from pista.pagecache.marks import page_cacheable
from pista.staff_actions import staff_action_run
from tenants.current import community_current, languages_enabled

PAGE_SIZE = 20


def _zone() -> ZoneInfo:
    return ZoneInfo(community_current().time_zone)


@page_cacheable()
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


@page_cacheable()
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
        for week in calendar_module.Calendar(first_week_day()).monthdatescalendar(
            first.year, first.month
        )
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


@page_cacheable(availability=True)
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


@page_cacheable()
def event_ics(request: HttpRequest, slug: str) -> HttpResponse:
    """ "Add to calendar": every date of one event."""
    event = _event_or_404(request, slug)
    body = calendar_build(
        dates=event_dates_for_feed(event=event), name=event.title, host=request.get_host()
    )
    return _ics_response(body, f"event-{event.pk}.ics")


@page_cacheable()
def community_feed(request: HttpRequest) -> HttpResponse:
    """The community's public iCal feed."""
    body = calendar_build(
        dates=event_dates_for_feed(), name=community_current().name, host=request.get_host()
    )
    return _ics_response(body, "events.ics")


@page_cacheable()
def teacher_feed(request: HttpRequest, teacher_id: int) -> HttpResponse:
    """The iCal feed of the public events one teacher (a public artist profile) teaches."""
    profiles = artists_for_ids(ids=[teacher_id])
    if not profiles:
        raise Http404
    body = calendar_build(
        dates=event_dates_for_feed(teacher_id=teacher_id),
        name=f"{community_current().name} · {profiles[0].name}",
        host=request.get_host(),
    )
    return _ics_response(body, f"teacher-{teacher_id}.ics")


@page_cacheable()
def space_feed(request: HttpRequest, space_id: int) -> HttpResponse:
    """The iCal feed of the public events held in one venue space."""
    space = space_get(pk=space_id)
    body = calendar_build(
        dates=event_dates_for_feed(space_id=space_id),
        name=f"{community_current().name} · {space.venue.name} · {space.name}",
        host=request.get_host(),
    )
    return _ics_response(body, f"space-{space_id}.ics")


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
    data = form.service_data()
    exceptions = data.pop("repeat_except", [])
    actor = authed_user(request)
    upload = form.cleaned_data.get("image_upload")
    image = None
    try:
        # One transaction: an exception date outside the series undoes the save.
        with transaction.atomic():
            if upload:
                image = data["image"] = library_image_add(upload=upload, title=data["title"])
            if event is None:
                event = event_create(actor=actor, **data)
            else:
                event = event_update(actor=actor, event=event, **data)
            event_dates_except(actor=actor, event=event, days=exceptions)
        return event
    except ValidationError as exc:
        form_errors_apply(form, exc)
    except InvalidImage as exc:
        form.add_error("image_upload", exc.message)
    except PermissionDenied as exc:
        library_image_file_discard(image)
        raise DjangoPermissionDenied(exc.message) from exc
    # The picture's row went with the transaction; its stored file goes too.
    library_image_file_discard(image)
    return None


@login_required
def manage_event_create(request: HttpRequest) -> HttpResponse:
    _staff_only(request)
    form = EventForm(
        request.POST or None,
        request.FILES or None,
        initial={"time_zone": str(_zone())},
        languages=languages_enabled(community_current())[1:],
    )
    if request.method == "POST" and form.is_valid():
        event = _event_form_save(request, form)
        if event is not None:
            messages.success(request, _("%(title)s was created.") % {"title": event.title})
            return redirect("manage:event-list")
    return render(request, "events/manage/form.html", {"form": form, "title": _("New event")})


@login_required
def manage_event_edit(request: HttpRequest, pk: int) -> HttpResponse:
    _staff_only(request)
    event = event_for_staff(pk=pk)
    form = EventForm(
        request.POST or None,
        request.FILES or None,
        initial=EventForm.initial_for(event),
        languages=languages_enabled(community_current())[1:],
    )
    if request.method == "POST" and form.is_valid() and _event_form_save(request, form, event):
        messages.success(request, _("%(title)s was saved.") % {"title": event.title})
        return redirect("manage:event-list")
    return render(
        request,
        "events/manage/form.html",
        {
            "form": form,
            "title": _("Edit %(title)s") % {"title": event.title},
            "event": event,
            "dates": list(event.dates.all()),
        },
    )


ACTIONS = {"publish": event_publish, "cancel": event_cancel, "duplicate": event_duplicate}
ACTION_DONE = {
    "publish": gettext_lazy("%(title)s is published."),
    "cancel": gettext_lazy("%(title)s is cancelled."),
    "duplicate": gettext_lazy("%(title)s was created."),
}


@login_required
@require_POST
def manage_event_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    _staff_only(request)
    if action not in ACTIONS:
        raise Http404
    return staff_action_run(
        request,
        action=lambda: ACTIONS[action](actor=authed_user(request), event=event_for_staff(pk=pk)),
        done_message=lambda event: ACTION_DONE[action] % {"title": event.title},
        done_url="manage:event-list",
    )


@login_required
@require_POST
def manage_date_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    _staff_only(request)
    event_date = event_date_for_staff(pk=pk)
    event_date_cancel(actor=authed_user(request), event_date=event_date)
    messages.success(
        request,
        _("The date %(starts_at)s was cancelled.")
        % {"starts_at": format(event_date.starts_at, "%Y-%m-%d")},
    )
    return redirect("manage:event-edit", pk=event_date.event_id)


class UpcomingEventsFeed(Feed):
    """RSS of the community's next public event dates (at most 50)."""

    def title(self) -> str:
        return _("Upcoming events at %(community)s") % {"community": community_current().name}

    def link(self) -> str:
        return reverse("events:list")

    def description(self) -> str:
        return _("The next public events of %(community)s.") % {
            "community": community_current().name
        }

    def items(self) -> list[EventDate]:
        return list(event_dates_upcoming_for_feed(limit=50))

    def item_title(self, item: EventDate) -> str:
        return item.event.title

    def item_description(self, item: EventDate) -> str:
        zone = ZoneInfo(item.event.time_zone)
        return f"{item.starts_at.astimezone(zone):%Y-%m-%d %H:%M} ({item.event.time_zone})"

    def item_link(self, item: EventDate) -> str:
        return item.event.get_absolute_url()

    def item_guid(self, item: EventDate) -> str:
        return f"event-date-{item.pk}"

    def item_pubdate(self, item: EventDate) -> datetime:
        return item.starts_at
