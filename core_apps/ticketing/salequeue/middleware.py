"""The line's JSON endpoints, answered before routing, sessions and views.

``GET /queue/<event>/status/`` (where the visitor's place stands) and ``POST
/queue/<event>/join/`` (take a place) are what thousands of waiting browsers
call; they need the host's community (the cached domain lookup), the
visitor's signed ticket and one Redis script: no database, no session, no
user. Whatever this cannot answer (an unknown host, a suspended community,
settings Redis does not hold yet, a wrong method) goes on to the ordinary
views (``views.line_status`` and ``views.line_join_json``), which may read the
database.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import DisallowedHost
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import translation
from django.utils.translation import gettext
from django_tenants.utils import get_public_schema_name

from core_apps.ticketing.salequeue.line import LineUnavailable
from core_apps.ticketing.salequeue.passes import (
    TICKET_MAX_AGE_S,
    TokenInvalid,
    cookie_set,
    pass_cookie_name,
    ticket_cookie_name,
)
from core_apps.ticketing.salequeue.waiting import (
    POLL_UNAVAILABLE_S,
    Place,
    place_answer,
    place_lookup,
    place_take,
)
from pista.metrics import sale_queue_answer_record
from pista.tenancy import public_schema_activate
from tenants.routing.selectors import host_route

PATH = re.compile(r"^/queue/([1-9][0-9]{0,9})/(status|join)/$")
METHODS = {"status": frozenset({"GET", "HEAD"}), "join": frozenset({"POST"})}


@dataclass(frozen=True)
class _Route:
    schema: str
    language: str


def _route(hostname: str) -> _Route | None:
    """The community a host serves the line for: its schema and language;
    None for a host the ordinary routing answers (unknown, redirected,
    suspended, the platform). ``host_route`` keeps the last seconds' answers in
    the process, so a poll costs no round trip for it."""
    public_schema_activate()  # the domain lookup reads the public schema
    route = host_route(hostname=hostname)
    if route is None or route.redirect_to or route.community.is_suspended:
        return None
    community = route.community
    if community.schema_name == get_public_schema_name():
        return None
    return _Route(community.schema_name, community.language)


def _json(body: dict[str, object], status: int = 200) -> JsonResponse:
    response = JsonResponse(body, status=status)
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def line_unavailable_response() -> JsonResponse:
    """503: Redis is out of reach; the browser asks again later."""
    return _json(
        {
            "code": "queue_unavailable",
            "detail": gettext(
                "The queue is unavailable for a moment, so sales are paused: "
                "keep this page open, it carries on by itself."
            ),
            "state": "unavailable",
            "poll_s": POLL_UNAVAILABLE_S,
        },
        status=503,
    )


def cross_site(request: HttpRequest) -> bool:
    """Whether a browser says another site sent this request."""
    if request.headers.get("Sec-Fetch-Site", "") == "cross-site":
        return True
    origin = request.headers.get("Origin", "")
    if not origin or origin == "null":
        return bool(origin)
    return origin.split("://", 1)[-1].lower() != request.get_host().lower()


def line_answer(
    request: HttpRequest, *, schema: str, event_id: int, action: str
) -> HttpResponse | None:
    """The JSON answer of the status (``action="status"``) or join endpoint,
    with the ticket and pass cookies; None when Redis holds no settings for
    this event (the caller copies them from the database and asks again).
    Each answer is counted in the queue's metrics."""
    began = time.perf_counter()
    response, state = _line_answer(request, schema=schema, event_id=event_id, action=action)
    if response is not None:
        sale_queue_answer_record(action=action, state=state, seconds=time.perf_counter() - began)
    return response


def _line_answer(
    request: HttpRequest, *, schema: str, event_id: int, action: str
) -> tuple[HttpResponse | None, str]:
    token = request.COOKIES.get(ticket_cookie_name(event_id), "")
    try:
        if action == "join":
            if cross_site(request):
                detail = gettext("Join the line from this site's own pages.")
                return _json({"code": "queue_cross_site", "detail": detail}, status=403), (
                    "cross_site"
                )
            place = place_take(schema=schema, event_id=event_id, ticket_token=token)
        else:
            place = place_lookup(schema=schema, event_id=event_id, ticket_token=token)
    except TokenInvalid:
        detail = gettext("This place in line is not valid here: join the line again.")
        return _json({"code": "queue_ticket_invalid", "detail": detail}, status=403), "invalid"
    except LineUnavailable:
        return line_unavailable_response(), "unavailable"
    if place.status.state == "missing":
        return None, "missing"
    answer = place_answer(place)
    response = place_response(_json(answer), place, event_id=event_id)
    return response, str(answer["state"])


def place_response(response: HttpResponse, place: Place, *, event_id: int) -> HttpResponse:
    """``response`` carrying the visitor's new ticket and their pass, if any."""
    if place.ticket:
        cookie_set(response, ticket_cookie_name(event_id), place.ticket, max_age=TICKET_MAX_AGE_S)
    if place.pass_token:
        max_age = max(1, int(place.status.expires_at - place.status.now))
        cookie_set(response, pass_cookie_name(event_id), place.pass_token, max_age=max_age)
    return response


class SaleQueueStatusMiddleware:
    """Answers the line's status and join endpoints before tenant routing."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        match = PATH.match(request.path_info)
        if match is None or request.method not in METHODS[match[2]]:
            return self.get_response(request)
        return self._answer(request, int(match[1]), match[2]) or self.get_response(request)

    @staticmethod
    def _answer(request: HttpRequest, event_id: int, action: str) -> HttpResponse | None:
        try:
            hostname = request.get_host().rsplit(":", 1)[0].lower()
        except DisallowedHost:
            return None
        route = _route(hostname)
        if route is None:
            return None
        with translation.override(route.language):
            return line_answer(request, schema=route.schema, event_id=event_id, action=action)
