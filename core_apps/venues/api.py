"""Venues API: venues and spaces, free/busy, quotes, and the booking workflow."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import generics, status
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core_apps.accounts.models import User
from core_apps.accounts.request import authed_user
from core_apps.bookings.api import (
    BookingActionApi,
    BookingAvailabilityApi,
    BookingDetailApi,
    OwnerDetailApi,
    booking_request_parse,
)
from core_apps.bookings.availability import BusyPeriod
from core_apps.integrations.api import idempotent
from core_apps.venues import selectors, services
from core_apps.venues.models import Space, SpaceBooking
from core_apps.venues.serializers import (
    BlackoutSerializer,
    OccurrenceSerializer,
    QuoteRequestSerializer,
    SpaceBookingRequestSerializer,
    SpaceBookingSerializer,
    VenueSerializer,
)


class VenueListApi(generics.ListAPIView):
    permission_classes = [AllowAny]
    serializer_class = VenueSerializer

    def get_queryset(self):
        return selectors.venue_list().prefetch_related("opening_hours")


@extend_schema_view(get=extend_schema(responses=VenueSerializer, operation_id="venues_retrieve"))
class VenueDetailApi(OwnerDetailApi):
    serializer_class = VenueSerializer
    owner_selector = staticmethod(selectors.venue_public_get)


class VenueBlackoutApi(APIView):
    """A manager of the venue (or staff) closes it on a date."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=BlackoutSerializer, responses={201: BlackoutSerializer})
    def post(self, request: Request, pk: int) -> Response:
        venue = selectors.venue_get(pk=pk)
        data = BlackoutSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        blackout = services.venue_blackout_add(
            actor=authed_user(request),
            venue=venue,
            day=data.validated_data["date"],
            reason=data.validated_data["reason"],
        )
        return Response(
            BlackoutSerializer({"date": blackout.date, "reason": blackout.reason}).data,
            status=status.HTTP_201_CREATED,
        )


class SpaceAvailabilityApi(BookingAvailabilityApi):
    """Free/busy of a space: busy periods (confirmed bookings incl. buffers, blackout
    dates) between ``from`` and ``to``; everything else inside opening hours is free."""

    owner_key = "space"

    def owner_get(self, pk: int) -> Space:
        return selectors.space_get(pk=pk)

    def busy(self, owner: Space, starts: Any, ends: Any) -> list[BusyPeriod]:
        return selectors.space_busy(space=owner, starts=starts, ends=ends)

    def details(self, owner: Space) -> dict[str, Any]:
        return {"time_zone": owner.venue.time_zone}


class SpaceQuoteApi(APIView):
    """Price and conflict preview of a one-off or recurring request, before sending it."""

    permission_classes = [AllowAny]

    @extend_schema(request=QuoteRequestSerializer, responses=OccurrenceSerializer(many=True))
    def post(self, request: Request, pk: int) -> Response:
        space = selectors.space_get(pk=pk)
        data = QuoteRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        occurrences = selectors.space_occurrences_preview(
            space=space,
            starts_at=values["starts_at"],
            ends_at=values["ends_at"],
            rrule=values["rrule"] or None,
        )
        free = [o for o in occurrences if o.is_free]
        return Response(
            {
                "currency": space.currency,
                "total_free_minor": sum(o.price_minor or 0 for o in free),
                "free": len(free),
                "conflicts": len(occurrences) - len(free),
                "dates": OccurrenceSerializer(occurrences, many=True).data,
            }
        )


class SpaceBookingListApi(generics.ListAPIView):
    """GET: bookings you requested or manage. POST: request a space (once or recurring)."""

    permission_classes = [IsAuthenticated]
    serializer_class = SpaceBookingSerializer

    def get_queryset(self):
        return selectors.space_bookings_for_user(user=authed_user(self.request))

    @extend_schema(
        request=SpaceBookingRequestSerializer, responses={201: SpaceBookingSerializer(many=True)}
    )
    @idempotent
    def post(self, request: Request) -> Response:
        space, values = booking_request_parse(
            request, SpaceBookingRequestSerializer, owner_key="space", owner_get=selectors.space_get
        )
        bookings = services.space_booking_request(
            requester=authed_user(request),
            space=space,
            title=values["title"],
            starts_at=values["starts_at"],
            ends_at=values["ends_at"],
            rrule=values["rrule"] or None,
            free_dates_only=values["free_dates_only"],
            event_id=values["event_id"],
        )
        return Response(
            SpaceBookingSerializer(bookings, many=True).data, status=status.HTTP_201_CREATED
        )


@extend_schema_view(get=extend_schema(operation_id="space_bookings_retrieve"))
class SpaceBookingDetailApi(BookingDetailApi):
    serializer_class = SpaceBookingSerializer
    booking_selector = staticmethod(selectors.space_booking_for_user)


class SpaceBookingSeriesApproveApi(APIView):
    """A venue manager confirms every still-free date of a recurring request; dates
    taken meanwhile are declined. Returns both lists."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses=dict)
    def post(self, request: Request, pk: int) -> Response:
        series = selectors.space_series_for_user(user=authed_user(request), pk=pk)
        confirmed, declined = services.space_booking_series_approve(
            actor=authed_user(request),
            series=series,
        )
        return Response(
            {
                "confirmed": SpaceBookingSerializer(confirmed, many=True).data,
                "declined": SpaceBookingSerializer(declined, many=True).data,
            }
        )


class SpaceBookingActionApi(BookingActionApi):
    """POST ``approve`` or ``decline`` (venue managers) or ``cancel`` (either side)."""

    serializer_class = SpaceBookingSerializer
    booking_selector = staticmethod(selectors.space_booking_for_user)

    def step_run(self, *, user: User, booking: SpaceBooking, data: Any) -> SpaceBooking:
        note = str(data.get("note", ""))[:300] if isinstance(data, dict) else ""
        if self.action_name == "approve":
            return services.space_booking_approve(actor=user, booking=booking, note=note)
        if self.action_name == "decline":
            return services.space_booking_decline(actor=user, booking=booking, note=note)
        return services.space_booking_cancel(actor=user, booking=booking)
