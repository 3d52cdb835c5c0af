"""Pages of the on-sale queue: the visitors' waiting room, the JSON endpoints
when the fast path (``middleware``) cannot answer alone, and the organizer's
settings in the back office. Thin: parse, call one service, render."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from core_apps.accounts.request import authed_user
from core_apps.events.forms import form_errors_apply
from core_apps.events.selectors import event_for_api, event_for_staff
from core_apps.ticketing.salequeue.errors import line_url
from core_apps.ticketing.salequeue.forms import SaleQueueForm
from core_apps.ticketing.salequeue.line import LineUnavailable, line_counts
from core_apps.ticketing.salequeue.middleware import (
    line_answer,
    line_unavailable_response,
    place_response,
)
from core_apps.ticketing.salequeue.passes import ticket_cookie_name
from core_apps.ticketing.salequeue.selectors import sale_queue_for_event
from core_apps.ticketing.salequeue.services import sale_queue_sync, sale_queue_update
from core_apps.ticketing.salequeue.waiting import POLL_UNAVAILABLE_S, place_take
from pista.errors import PermissionDenied
from pista.redirects import redirect_target
from pista.tenancy import current_schema

# A browser without JavaScript reloads the page instead of polling: less often.
RELOAD_MIN_S = 10
RELOAD_MAX_S = 60


@never_cache
@require_http_methods(["GET", "POST"])
def line_page(request: HttpRequest, event_id: int) -> HttpResponse:
    """The waiting room: a place in line (taken on arrival, or again with a
    POST), its position and wait; once admitted, on to ``next`` with the pass."""
    event = event_for_api(pk=event_id, user=request.user)
    next_url = redirect_target(
        request,
        request.POST.get("next"),
        request.GET.get("next"),
        default=event.get_absolute_url(),
    )
    queue = sale_queue_for_event(event_id=event.pk)
    if queue is None or not queue.is_enabled:
        return redirect(next_url)
    context = {"event": event, "next_url": next_url}
    try:
        sale_queue_sync(event_id=event.pk)
        place = place_take(
            schema=current_schema(),
            event_id=event.pk,
            ticket_token=request.COOKIES.get(ticket_cookie_name(event.pk), ""),
            again=request.method == "POST",
        )
    except LineUnavailable:
        context.update(state="unavailable", reload_s=POLL_UNAVAILABLE_S)
        return render(request, "ticketing/salequeue/line.html", context, status=503)
    state = place.status.state
    if state == "off":
        return redirect(next_url)
    if state == "admitted":
        return place_response(redirect(next_url), place, event_id=event.pk)
    if request.method == "POST":  # a new place: show it at the page's own address
        return place_response(
            redirect(line_url(event.pk, next_url=next_url)), place, event_id=event.pk
        )
    context.update(
        state=state if state in {"waiting", "expired", "used"} else "unavailable",
        status=place.status,
        poll_s=place.poll_s,
        reload_s=max(RELOAD_MIN_S, min(RELOAD_MAX_S, place.poll_s * 2)),
        wait_minutes=-(-place.status.wait_s // 60),
        opens_at=(
            datetime.fromtimestamp(place.status.opens_at, tz=ZoneInfo(event.time_zone))
            if place.status.opens_at > place.status.now
            else None
        ),
    )
    response = render(request, "ticketing/salequeue/line.html", context)
    return place_response(response, place, event_id=event.pk)


def _line_json(request: HttpRequest, event_id: int, action: str) -> HttpResponse:
    """The fast path's answer after copying the settings from the database."""
    queue = sale_queue_for_event(event_id=event_id)
    if queue is None:
        return JsonResponse(
            {"code": "not_found", "detail": gettext("This event has no queue.")}, status=404
        )
    if not queue.is_enabled:
        return JsonResponse({"state": "open", "poll_s": POLL_UNAVAILABLE_S})
    try:
        sale_queue_sync(event_id=event_id)
    except LineUnavailable:
        return line_unavailable_response()
    answer = line_answer(request, schema=current_schema(), event_id=event_id, action=action)
    return answer if answer is not None else line_unavailable_response()


@never_cache
@require_http_methods(["GET", "HEAD"])
def line_status(request: HttpRequest, event_id: int) -> HttpResponse:
    """``GET /queue/<event>/status/`` when Redis lacked the settings."""
    return _line_json(request, event_id, "status")


# No CSRF token: taking a place is harmless and idempotent per visitor, and a
# request another site sends is refused by its Origin (``cross_site``).
@csrf_exempt
@never_cache
@require_http_methods(["POST"])
def line_join_json(request: HttpRequest, event_id: int) -> HttpResponse:
    """``POST /queue/<event>/join/`` when Redis lacked the settings."""
    return _line_json(request, event_id, "join")


@login_required
def manage_sale_queue(request: HttpRequest, event_id: int) -> HttpResponse:
    """The organizer turns an event's queue on or off and sets its pace."""
    if not request.user.has_perm("ticketing.change_salequeue"):
        raise DjangoPermissionDenied
    event = event_for_staff(pk=event_id)
    queue = sale_queue_for_event(event_id=event.pk)
    form = SaleQueueForm(request.POST or None, initial=SaleQueueForm.initial_for(queue))
    # Times typed and shown are on the event's clock.
    with timezone.override(ZoneInfo(event.time_zone)):
        if request.method == "POST" and form.is_valid():
            try:
                sale_queue_update(actor=authed_user(request), event=event, **form.cleaned_data)
            except ValidationError as exc:
                form_errors_apply(form, exc)
            except PermissionDenied as exc:
                raise DjangoPermissionDenied(exc.message) from exc
            else:
                messages.success(
                    request, gettext("The queue of %(title)s was saved.") % {"title": event.title}
                )
                return redirect("manage:sale-queue", event_id=event.pk)
        try:
            counts = line_counts(schema=current_schema(), event_id=event.pk)
        except LineUnavailable:
            counts = None
        return render(
            request,
            "ticketing/manage/sale_queue.html",
            {
                "form": form,
                "event": event,
                "queue": queue,
                "counts": counts,
                "title": gettext("On-sale queue of %(title)s") % {"title": event.title},
            },
            status=400 if form.errors else 200,
        )
