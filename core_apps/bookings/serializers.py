"""API shapes both booking flows share. Input serializers only parse; rules live in services."""

from __future__ import annotations

from rest_framework import serializers


def booking_party_name_field(party: str) -> serializers.CharField:
    """The full name of the user who asked for a booking, read-only (``party``:
    the booking's field that holds that user, e.g. ``"organizer"``)."""
    return serializers.CharField(source=f"{party}.get_full_name", read_only=True)


# What every booking request names; each app adds the rest. (A comment, not a
# docstring: drf-spectacular would show a docstring as every subclass's description.)
class BookingRequestSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    event_id = serializers.IntegerField(required=False, allow_null=True, default=None)


class AvailabilityQuerySerializer(serializers.Serializer):
    to = serializers.DateTimeField()

    def get_fields(self) -> dict[str, serializers.Field]:
        fields: dict[str, serializers.Field] = super().get_fields()
        fields["from"] = serializers.DateTimeField()  # ``from`` is a Python keyword
        return fields
