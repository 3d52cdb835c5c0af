"""Artists API: public profiles, and the booking workflow for its two sides."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import generics, status
from rest_framework.permissions import IsAuthenticated, IsAuthenticatedOrReadOnly
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core_apps.accounts.models import User
from core_apps.accounts.request import authed_user
from core_apps.artists import selectors, services
from core_apps.artists.models import ArtistBooking, ArtistProfile
from core_apps.artists.serializers import (
    ArtistBookingCounterSerializer,
    ArtistBookingRequestSerializer,
    ArtistBookingSerializer,
    ArtistProfileCreateSerializer,
    ArtistSerializer,
    DepositSerializer,
    InviteSerializer,
)
from core_apps.bookings.api import (
    BookingActionApi,
    BookingAvailabilityApi,
    BookingDetailApi,
    OwnerDetailApi,
    booking_request_parse,
)
from core_apps.bookings.availability import BusyPeriod
from core_apps.integrations.api import idempotent


class ArtistListApi(generics.ListAPIView):
    """GET: public artist profiles of this community. POST (staff): create a profile
    for an artist without an account."""

    permission_classes = [IsAuthenticatedOrReadOnly]
    serializer_class = ArtistSerializer

    def get_queryset(self):
        return selectors.artist_list()

    @extend_schema(request=ArtistProfileCreateSerializer, responses={201: ArtistSerializer})
    def post(self, request: Request) -> Response:
        data = ArtistProfileCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        profile = services.artist_profile_create(actor=authed_user(request), **data.validated_data)
        return Response(ArtistSerializer(profile).data, status=status.HTTP_201_CREATED)


class ArtistInviteApi(APIView):
    """Staff invite the artist of an account-less profile by email (teacher role)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=InviteSerializer, responses={201: ArtistSerializer})
    def post(self, request: Request, pk: int) -> Response:
        data = InviteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        profile = selectors.artist_get(pk=pk, include_hidden=True)
        services.artist_invite(
            actor=authed_user(request), profile=profile, email=data.validated_data["email"]
        )
        return Response(ArtistSerializer(profile).data, status=status.HTTP_201_CREATED)


@extend_schema_view(get=extend_schema(responses=ArtistSerializer, operation_id="artists_retrieve"))
class ArtistDetailApi(OwnerDetailApi):
    serializer_class = ArtistSerializer
    owner_selector = staticmethod(selectors.artist_get)


class ArtistAvailabilityApi(BookingAvailabilityApi):
    """Free/busy of an artist between ``from`` and ``to``: blocked periods and gigs."""

    owner_key = "artist"

    def owner_get(self, pk: int) -> ArtistProfile:
        return selectors.artist_get(pk=pk)

    def busy(self, owner: ArtistProfile, starts: Any, ends: Any) -> list[BusyPeriod]:
        return selectors.artist_busy(artist=owner, starts=starts, ends=ends)


class ArtistBookingListApi(generics.ListAPIView):
    """GET: bookings where you are the organizer or the artist. POST: send a request."""

    permission_classes = [IsAuthenticated]
    serializer_class = ArtistBookingSerializer

    def get_queryset(self):
        return selectors.artist_bookings_for_user(user=authed_user(self.request))

    @extend_schema(request=ArtistBookingRequestSerializer, responses={201: ArtistBookingSerializer})
    @idempotent
    def post(self, request: Request) -> Response:
        artist, values = booking_request_parse(
            request,
            ArtistBookingRequestSerializer,
            owner_key="artist",
            owner_get=selectors.artist_get,
        )
        booking = services.artist_booking_request(
            organizer=authed_user(request), artist=artist, **values
        )
        return Response(ArtistBookingSerializer(booking).data, status=status.HTTP_201_CREATED)


@extend_schema_view(get=extend_schema(operation_id="artist_bookings_retrieve"))
class ArtistBookingDetailApi(BookingDetailApi):
    serializer_class = ArtistBookingSerializer
    booking_selector = staticmethod(selectors.artist_booking_for_user)


class ArtistBookingActionApi(BookingActionApi):
    """POST a step: ``counter`` (new terms), ``accept``, ``decline``, ``withdraw``, ``deposit``."""

    serializer_class = ArtistBookingSerializer
    booking_selector = staticmethod(selectors.artist_booking_for_user)

    def step_run(self, *, user: User, booking: ArtistBooking, data: Any) -> ArtistBooking:
        if self.action_name == "counter":
            terms = ArtistBookingCounterSerializer(data=data)
            terms.is_valid(raise_exception=True)
            return services.artist_booking_counter(
                actor=user, booking=booking, **terms.validated_data
            )
        if self.action_name == "accept":
            return services.artist_booking_accept(actor=user, booking=booking)
        if self.action_name == "decline":
            message = data.get("message", "") if isinstance(data, dict) else ""
            return services.artist_booking_decline(
                actor=user, booking=booking, message=str(message)[:500]
            )
        if self.action_name == "withdraw":
            return services.artist_booking_withdraw(actor=user, booking=booking)
        deposit = DepositSerializer(data=data)
        deposit.is_valid(raise_exception=True)
        return services.artist_booking_deposit_record(
            actor=user, booking=booking, **deposit.validated_data
        )
