"""API shapes for venues. Input serializers only parse; rules live in services."""

from __future__ import annotations

from rest_framework import serializers

from core_apps.bookings.serializers import BookingRequestSerializer, booking_party_name_field
from core_apps.venues.models import OpeningHours, Space, SpaceBooking, Venue
from core_apps.venues.services.spaces import SPACE_FIELDS


class SpaceSerializer(serializers.ModelSerializer):
    class Meta:
        model = Space
        fields = ["id", *SPACE_FIELDS]


class OpeningHoursSerializer(serializers.ModelSerializer):
    class Meta:
        model = OpeningHours
        fields = ["weekday", "opens", "closes"]


class VenueSerializer(serializers.ModelSerializer):
    spaces = SpaceSerializer(many=True, read_only=True)
    opening_hours = OpeningHoursSerializer(many=True, read_only=True)

    class Meta:
        model = Venue
        fields = [
            "id",
            "slug",
            "name",
            "address",
            "latitude",
            "longitude",
            "time_zone",
            "house_rules",
            "opening_hours",
            "spaces",
        ]


class SpaceBookingSerializer(serializers.ModelSerializer):
    requester = booking_party_name_field("requester")

    class Meta:
        model = SpaceBooking
        fields = [
            "id",
            "space",
            "requester",
            "series",
            "title",
            "status",
            "starts_at",
            "ends_at",
            "blocked_from",
            "blocked_until",
            "price_minor",
            "currency",
            "event_id",
            "decision_note",
            "created",
        ]


class SpaceBookingRequestSerializer(BookingRequestSerializer):
    space = serializers.IntegerField()
    rrule = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")
    free_dates_only = serializers.BooleanField(required=False, default=False)


class BlackoutSerializer(serializers.Serializer):
    date = serializers.DateField()
    reason = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class QuoteRequestSerializer(serializers.Serializer):
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    rrule = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class OccurrenceSerializer(serializers.Serializer):
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    price_minor = serializers.IntegerField(allow_null=True)
    is_free = serializers.BooleanField()
    problem = serializers.CharField(allow_null=True)
    problem_code = serializers.CharField(allow_null=True)
    conflicting_booking = serializers.IntegerField(allow_null=True)
