"""Check-in lists (``manage:checkin``): lists per event and date, a scanner page
per list with live counts, search, undo. Every write goes through
``core_apps.orders.services`` (audited there)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast

from django import forms
from django.conf import settings
from django.db.models import Q
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from core_apps.accounts.request import authed_user
from core_apps.backoffice.access import staff_required
from core_apps.events.models import Event, EventDate
from core_apps.events.selectors import event_for_staff, events_for_staff
from core_apps.orders import selectors, services
from core_apps.orders.models import CheckinList
from core_apps.ticketing.models import Product
from core_apps.ticketing.selectors import products_for_staff
from pista.error_views import action_run, form_error_status, form_service_call
from pista.errors import ApplicationError
from pista.formats import datetime_format
from pista.headers import response_permissions_policy_set

VIEW = "orders.view_checkin"
SCAN = "orders.add_checkin"
EDIT = "orders.change_checkinlist"


class EventDateChoiceField(forms.ModelChoiceField):
    """A date of one event, shown in the event's zone (``time_zone``, set by the form)."""

    time_zone = "UTC"

    def label_from_instance(self, obj: Any) -> str:
        return datetime_format(obj.starts_at, self.time_zone)


class CheckinListForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=200)
    event_date = EventDateChoiceField(
        label=gettext_lazy("Date"),
        queryset=EventDate.objects.none(),
        required=False,
        empty_label=gettext_lazy("Every date of the event"),
        help_text=gettext_lazy(
            "A list for one date admits each ticket once; a list for the whole event "
            "admits it once per date."
        ),
    )
    products = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Products"),
        queryset=Product.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy("None ticked: every product valid for the event."),
    )
    is_active = forms.BooleanField(label=gettext_lazy("Open for scanning"), required=False)

    def __init__(self, *args: Any, event: Event, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        event_date = cast(EventDateChoiceField, self.fields["event_date"])
        event_date.queryset = event.dates.order_by("starts_at")
        event_date.time_zone = event.time_zone
        # Products sold for the event or covering it (the service checks again).
        cast(forms.ModelMultipleChoiceField, self.fields["products"]).queryset = (
            products_for_staff()
            .filter(
                Q(event_id=event.pk)
                | Q(covers_events__id=event.pk)
                | Q(covers_dates__event_id=event.pk)
            )
            .distinct()
        )


class ScanForm(forms.Form):
    secret = forms.CharField(label=gettext_lazy("Ticket code"), max_length=64)
    location = forms.CharField(label=gettext_lazy("Where"), max_length=100, required=False)


@staff_required(VIEW)
def checkin_lists(request: HttpRequest) -> HttpResponse:
    """Events with their check-in lists and admissions."""
    lists = list(selectors.checkin_lists_for_staff())
    by_event: dict[int, list[CheckinList]] = {}
    for checkin_list in lists:
        by_event.setdefault(checkin_list.event_id, []).append(checkin_list)
    events = [
        {"event": event, "lists": by_event.get(event.pk, [])}
        for event in events_for_staff().exclude(status="cancelled")[:100]
    ]
    return render(request, "backoffice/checkin/lists.html", {"events": events})


@staff_required(EDIT)
def checkin_list_create(request: HttpRequest, event_id: int) -> HttpResponse:
    event = event_for_staff(pk=event_id)
    form = CheckinListForm(request.POST or None, event=event, initial={"is_active": True})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        created = form_service_call(
            form,
            lambda: services.checkin_list_create(
                actor=authed_user(request),
                event=event,
                name=data["name"],
                event_date=data["event_date"],
                products=list(data["products"]),
            ),
        )
        if created is not None:
            return redirect("manage:checkin-scan", pk=created.pk)
    return render(
        request,
        "backoffice/checkin/list_form.html",
        {"form": form, "event": event, "title": _("New check-in list")},
        status=form_error_status(form),
    )


@staff_required(EDIT)
def checkin_list_edit(request: HttpRequest, pk: int) -> HttpResponse:
    checkin_list = selectors.checkin_list_for_staff(pk=pk)
    event = checkin_list.event
    form = CheckinListForm(
        request.POST or None,
        event=event,
        initial={
            "name": checkin_list.name,
            "event_date": checkin_list.event_date,
            "products": list(checkin_list.products.all()),
            "is_active": checkin_list.is_active,
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        saved = form_service_call(
            form,
            lambda: services.checkin_list_update(
                actor=authed_user(request),
                checkin_list=checkin_list,
                name=data["name"],
                event_date=data["event_date"],
                products=list(data["products"]),
                is_active=data["is_active"],
            ),
        )
        if saved is not None:
            return redirect("manage:checkin-scan", pk=checkin_list.pk)
    return render(
        request,
        "backoffice/checkin/list_form.html",
        {"form": form, "event": event, "checkin_list": checkin_list, "title": checkin_list.name},
        status=form_error_status(form),
    )


@require_POST
@staff_required(EDIT)
def checkin_lists_per_date(request: HttpRequest, event_id: int) -> HttpResponse:
    event = event_for_staff(pk=event_id)

    def create() -> str:
        created = services.checkin_lists_per_date_create(actor=authed_user(request), event=event)
        return _("%(count)d lists created.") % {"count": len(created)}

    return action_run(request, create, back=reverse("manage:checkin"))


def _scanner_context(request: HttpRequest, checkin_list: CheckinList) -> dict[str, Any]:
    query = request.GET.get("q", "").strip()[:100]
    return {
        "checkin_list": checkin_list,
        "event": checkin_list.event,
        "counts": selectors.checkin_list_counts(checkin_list=checkin_list),
        "query": query,
        "found": selectors.checkin_list_search(checkin_list=checkin_list, query=query),
        "recent": selectors.checkins_recent(checkin_list=checkin_list),
    }


@never_cache
@staff_required(SCAN)
def checkin_scan(request: HttpRequest, pk: int) -> HttpResponse:
    """The scanner: a scan (camera or typed code) is a POST; the answer says
    admitted or why not, with when the ticket was first scanned."""
    checkin_list = selectors.checkin_list_for_staff(pk=pk)
    form = ScanForm(request.POST or None, initial={"location": request.GET.get("location", "")})
    result = refusal = None
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            result = services.position_check_in(
                secret=form.cleaned_data["secret"],
                actor=authed_user(request),
                location=form.cleaned_data["location"],
                checkin_list=checkin_list,
            )
        except ApplicationError as exc:
            refusal = exc
            status = exc.status_code
        form = ScanForm(initial={"location": form.cleaned_data["location"]})
    elif request.method == "POST":
        status = 400
    response = render(
        request,
        "backoffice/checkin/scanner.html",
        {
            **_scanner_context(request, checkin_list),
            "form": form,
            "result": result,
            "refusal": refusal,
            "first_at": _first_at(refusal),
        },
        status=status,
    )
    # The only pages that may use the camera (QR scanning), and only our own origin.
    response_permissions_policy_set(response, _permissions_policy_with_camera())
    return response


def _first_at(refusal: ApplicationError | None) -> datetime | None:
    """When a refused ticket was first admitted (shown in the event's zone)."""
    raw = refusal.extra.get("first_at") if refusal is not None else None
    try:
        return datetime.fromisoformat(raw) if raw else None
    except ValueError:
        return None


@never_cache
@staff_required(SCAN)
def checkin_counts(request: HttpRequest, pk: int) -> JsonResponse:
    """The scanner's live counts, polled by its page."""
    counts = selectors.checkin_list_counts(checkin_list=selectors.checkin_list_for_staff(pk=pk))
    return JsonResponse(
        {
            "admitted": counts.admitted,
            "admitted_now": counts.admitted_now,
            "expected": counts.expected,
            "percent": counts.percent,
        }
    )


@require_POST
@staff_required(SCAN)
def checkin_undo(request: HttpRequest, pk: int, checkin_id: int) -> HttpResponse:
    checkin_list = selectors.checkin_list_for_staff(pk=pk)
    checkin = selectors.checkin_for_staff(pk=checkin_id, checkin_list=checkin_list)

    def undo() -> str:
        services.checkin_undo(checkin=checkin, actor=authed_user(request))
        return _("Check-in undone.")

    return action_run(request, undo, back=reverse("manage:checkin-scan", args=[pk]))


def _permissions_policy_with_camera() -> str:
    """The site's Permissions-Policy with the camera allowed for our own origin."""
    policy = {**settings.PERMISSIONS_POLICY, "camera": ["self"]}

    def origin(allowed: str) -> str:
        return allowed if allowed in ("self", "*") else f'"{allowed}"'

    return ", ".join(
        f"{feature}=({' '.join(origin(a) for a in allowed)})" for feature, allowed in policy.items()
    )


urlpatterns = [
    path("", checkin_lists, name="checkin"),
    path("events/<int:event_id>/new/", checkin_list_create, name="checkin-list-create"),
    path("events/<int:event_id>/per-date/", checkin_lists_per_date, name="checkin-lists-per-date"),
    path("<int:pk>/", checkin_scan, name="checkin-scan"),
    path("<int:pk>/edit/", checkin_list_edit, name="checkin-list-edit"),
    path("<int:pk>/counts.json", checkin_counts, name="checkin-counts"),
    path("<int:pk>/checkins/<int:checkin_id>/undo/", checkin_undo, name="checkin-undo"),
]
