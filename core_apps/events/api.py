"""Events API: a public, paginated list and detail; organizers create and update.

Permissions for writes are checked by the services; these views only parse
input, call one selector or service and render.
"""

from __future__ import annotations

from datetime import date

from django.utils.translation import gettext
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.permissions import IsAuthenticatedOrReadOnly
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core_apps.accounts.request import authed_user
from core_apps.events.models import Event
from core_apps.events.selectors import EventFilters, event_for_api, events_listed
from core_apps.events.serializers import (
    EventDetailSerializer,
    EventSerializer,
    EventWriteSerializer,
)
from core_apps.events.services import event_create, event_update
from pista.api.pagination import PageNumberPagination
from pista.errors import ApplicationError
from tenants.current import community_current


class InvalidFilter(ApplicationError):
    default_code = "invalid_filter"


def _date_param(request: Request, name: str) -> date | None:
    raw = request.query_params.get(name, "").strip()
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError as exc:
        raise InvalidFilter(
            gettext("%(name)s must be a date like 2026-05-01.") % {"name": name}
        ) from exc


FILTER_PARAMETERS = [
    OpenApiParameter(name, str, description=description)
    for name, description in [
        ("style", "dance style slug"),
        ("level", "level slug"),
        ("kind", "class, course, workshop, social, festival or competition"),
        ("from", "first day, YYYY-MM-DD (default: today)"),
        ("to", "last day, YYYY-MM-DD"),
        ("teacher", "teacher name or id"),
        ("venue", "venue name or id"),
    ]
]


class EventListApi(APIView):
    # Paginated by hand: tells the OpenAPI document the list is a page.
    pagination_class = PageNumberPagination

    permission_classes = [IsAuthenticatedOrReadOnly]

    @extend_schema(parameters=FILTER_PARAMETERS, responses=EventSerializer(many=True))
    def get(self, request: Request) -> Response:
        filters = EventFilters(
            style=request.query_params.get("style", ""),
            level=request.query_params.get("level", ""),
            kind=request.query_params.get("kind", ""),
            date_from=_date_param(request, "from"),
            date_to=_date_param(request, "to"),
            teacher=request.query_params.get("teacher", ""),
            venue=request.query_params.get("venue", ""),
        )
        events = events_listed(
            user=request.user, filters=filters, time_zone=community_current().time_zone
        )
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(events, request, view=self)
        return paginator.get_paginated_response(EventSerializer(page, many=True).data)

    @extend_schema(request=EventWriteSerializer, responses={201: EventDetailSerializer})
    def post(self, request: Request) -> Response:
        serializer = EventWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        event = event_create(actor=authed_user(request), **serializer.validated_data)
        return Response(_detail(request, event.pk), status=status.HTTP_201_CREATED)


def _detail(request: Request, pk: int) -> dict:
    event = event_for_api(pk=pk, user=request.user)
    context = {"unlock_code": request.query_params.get("code", "")}
    return EventDetailSerializer(event, context=context).data


class EventDetailApi(APIView):
    permission_classes = [IsAuthenticatedOrReadOnly]

    @extend_schema(
        parameters=[OpenApiParameter("code", str, description="unlocks hidden products")],
        responses=EventDetailSerializer,
    )
    def get(self, request: Request, pk: int) -> Response:
        return Response(_detail(request, pk))

    @extend_schema(request=EventWriteSerializer, responses=EventDetailSerializer)
    def patch(self, request: Request, pk: int) -> Response:
        event: Event = event_for_api(pk=pk, user=request.user)
        serializer = EventWriteSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        event_update(actor=authed_user(request), event=event, **serializer.validated_data)
        return Response(_detail(request, pk))
