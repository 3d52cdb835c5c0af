"""API shapes for artists. Input serializers only parse; rules live in services."""

from __future__ import annotations

from rest_framework import serializers

from core_apps.artists.models import ArtistBooking, ArtistProfile
from core_apps.bookings.serializers import BookingRequestSerializer, booking_party_name_field


class ArtistSerializer(serializers.ModelSerializer):
    photo = serializers.SerializerMethodField()

    class Meta:
        model = ArtistProfile
        fields = [
            "id",
            "slug",
            "name",
            "photo",
            "bio",
            "styles",
            "dance_role",
            "levels",
            "languages",
            "home_city",
            "travel_preferences",
            "fee_currency",
            "fee_class_minor",
            "fee_workshop_minor",
            "fee_weekend_minor",
            "video_url",
            "links",
            "technical_rider",
        ]

    def get_photo(self, obj: ArtistProfile) -> str | None:
        return obj.photo.url if obj.photo else None


class ArtistProfileCreateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=120)
    bio = serializers.CharField(required=False, allow_blank=True)
    styles = serializers.ListField(child=serializers.CharField(max_length=60), required=False)
    dance_role = serializers.ChoiceField(choices=["lead", "follow", "both"], required=False)
    levels = serializers.ListField(child=serializers.CharField(max_length=60), required=False)
    languages = serializers.ListField(child=serializers.CharField(max_length=20), required=False)
    home_city = serializers.CharField(max_length=120, required=False, allow_blank=True)
    fee_currency = serializers.CharField(max_length=3, required=False)
    is_public = serializers.BooleanField(required=False)


class InviteSerializer(serializers.Serializer):
    email = serializers.EmailField()


class ArtistBookingSerializer(serializers.ModelSerializer):
    artist = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    organizer = booking_party_name_field("organizer")

    class Meta:
        model = ArtistBooking
        fields = [
            "id",
            "artist",
            "organizer",
            "status",
            "offer_by",
            "title",
            "starts_at",
            "ends_at",
            "wanted",
            "fee_minor",
            "currency",
            "travel_terms",
            "accommodation_terms",
            "deposit_minor",
            "deposit_status",
            "event_id",
            "confirmed_at",
            "created",
        ]


class ArtistBookingRequestSerializer(BookingRequestSerializer):
    artist = serializers.IntegerField()
    fee_minor = serializers.IntegerField(min_value=0)
    currency = serializers.CharField(max_length=3)
    wanted = serializers.CharField(required=False, allow_blank=True, default="")
    travel_terms = serializers.CharField(required=False, allow_blank=True, default="")
    accommodation_terms = serializers.CharField(required=False, allow_blank=True, default="")
    deposit_minor = serializers.IntegerField(min_value=0, required=False, default=0)


class ArtistBookingCounterSerializer(serializers.Serializer):
    fee_minor = serializers.IntegerField(min_value=0)
    currency = serializers.CharField(max_length=3)
    starts_at = serializers.DateTimeField(required=False)
    ends_at = serializers.DateTimeField(required=False)
    deposit_minor = serializers.IntegerField(min_value=0, required=False)
    travel_terms = serializers.CharField(required=False, allow_blank=True)
    accommodation_terms = serializers.CharField(required=False, allow_blank=True)
    message = serializers.CharField(required=False, allow_blank=True, default="")


class DepositSerializer(serializers.Serializer):
    provider = serializers.CharField(required=False, default="manual")
    reference = serializers.CharField(required=False, allow_blank=True, default="")
