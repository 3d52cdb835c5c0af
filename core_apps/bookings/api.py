"""API plumbing of both booking flows: free/busy, and one step of the workflow.

Subclasses say what differs (how to find the owner or the booking, which
service runs a step); the docstring of each subclass documents its endpoint.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

from django.db import models
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core_apps.accounts.models import User
from core_apps.bookings.availability import BusyPeriod
from core_apps.bookings.serializers import AvailabilityQuerySerializer


def booking_request_parse(
    request: Request,
    serializer_class: type[serializers.Serializer],
    *,
    owner_key: str,
    owner_get: Callable[..., Any],
) -> tuple[Any, dict[str, Any]]:
    """Parse a booking request's body: the owner it names under ``owner_key`` (looked
    up by ``owner_get(pk=)``) and the other values. Raises ValidationError, NotFound."""
    data = serializer_class(data=request.data)
    data.is_valid(raise_exception=True)
    values = dict(data.validated_data)
    return owner_get(pk=values.pop(owner_key)), values


# The public detail of a bookable owner (an artist, a venue). No docstring, as
# for the bases below.
class OwnerDetailApi(APIView):
    permission_classes = [AllowAny]
    serializer_class: type[serializers.Serializer]  # the owner as returned
    # ``(pk=)`` → the owner ``pk`` as the public may see it; raises NotFound.
    owner_selector: Callable[..., models.Model]

    def get(self, request: Request, pk: int) -> Response:
        return Response(self.serializer_class(self.owner_selector(pk=pk)).data)


class BookingAvailabilityApi(APIView):
    permission_classes = [AllowAny]
    owner_key = ""  # names the owner's id in the response: "space", "artist"

    def owner_get(self, pk: int) -> Any:
        """The bookable thing ``pk``. Raises NotFound."""
        raise NotImplementedError

    def busy(self, owner: Any, starts: Any, ends: Any) -> list[BusyPeriod]:
        raise NotImplementedError

    def details(self, owner: Any) -> dict[str, Any]:
        """More about the owner in the response, after ``from`` and ``to``."""
        return {}

    @extend_schema(
        parameters=[
            OpenApiParameter("from", str, required=True),
            OpenApiParameter("to", str, required=True),
        ],
        responses=dict,
    )
    def get(self, request: Request, pk: int) -> Response:
        owner = self.owner_get(pk)
        query = AvailabilityQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        starts, ends = query.validated_data["from"], query.validated_data["to"]
        busy = self.busy(owner, starts, ends)
        return Response(
            {
                self.owner_key: owner.pk,
                "from": starts,
                "to": ends,
                **self.details(owner),
                "busy": busy,
            }
        )


# Views on one booking, for its parties only. The bases carry no docstrings:
# drf-spectacular would show them as the description of every endpoint.
class PartyBookingApi(APIView):
    permission_classes = [IsAuthenticated]
    serializer_class: type[serializers.Serializer]  # the booking as returned
    # ``(user=, pk=)`` → a booking ``user`` is a party of; raises NotFound.
    booking_selector: Callable[..., models.Model]

    def booking_get(self, request: Request, pk: int) -> Any:
        return self.booking_selector(user=cast(User, request.user), pk=pk)  # IsAuthenticated


class BookingDetailApi(PartyBookingApi):
    def get(self, request: Request, pk: int) -> Response:
        return Response(self.serializer_class(self.booking_get(request, pk)).data)


class BookingActionApi(PartyBookingApi):
    action_name = ""

    def step_run(self, *, user: User, booking: Any, data: Any) -> models.Model:
        """Run step ``action_name`` through its service; return the booking."""
        raise NotImplementedError

    @extend_schema(request=None)
    def post(self, request: Request, pk: int) -> Response:
        booking = self.booking_get(request, pk)
        booking = self.step_run(user=cast(User, request.user), booking=booking, data=request.data)
        return Response(self.serializer_class(booking).data)
