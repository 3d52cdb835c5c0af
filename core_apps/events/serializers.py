"""API shapes of events. Types only: the rules live in services."""

from __future__ import annotations

from typing import Any, cast

from rest_framework import serializers

from core_apps.events.models import DanceStyle, Event, EventDate, Level

LISTED_DATES = 5


class EventDateSerializer(serializers.ModelSerializer):
    class Meta:
        model = EventDate
        fields = ["id", "starts_at", "ends_at", "status", "moved"]


class EventSerializer(serializers.ModelSerializer):
    """An event in a list: its next dates, not all of them."""

    level = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)
    styles = serializers.SlugRelatedField(slug_field="slug", many=True, read_only=True)
    venue = serializers.SerializerMethodField()
    teachers = serializers.SerializerMethodField()
    next_dates = serializers.SerializerMethodField()
    url = serializers.CharField(source="get_absolute_url", read_only=True)

    class Meta:
        model = Event
        fields = [
            "id",
            "slug",
            "title",
            "kind",
            "status",
            "visibility",
            "level",
            "styles",
            "venue",
            "teachers",
            "time_zone",
            "starts_at",
            "ends_at",
            "recurrence",
            "next_dates",
            "url",
        ]

    def get_venue(self, event: Event) -> dict[str, Any]:
        return {
            "id": event.venue_id,
            "name": event.venue_name,
            "space_id": event.space_id,
            "space_name": event.space_name,
        }

    def get_teachers(self, event: Event) -> dict[str, Any]:
        return {"ids": event.teacher_ids, "names": event.teacher_names}

    def get_next_dates(self, event: Event) -> list[dict[str, Any]]:
        dates = getattr(event, "listed_dates", None)
        if dates is None:
            return []
        # many=True builds a ListSerializer, whose data is a list.
        data = EventDateSerializer(dates[:LISTED_DATES], many=True).data
        return cast("list[dict[str, Any]]", data)


class EventDetailSerializer(EventSerializer):
    """One event with every date and the products on sale (per-role availability)."""

    dates = EventDateSerializer(many=True, read_only=True)
    products = serializers.SerializerMethodField()

    class Meta(EventSerializer.Meta):
        fields = [*EventSerializer.Meta.fields, "description", "dates", "products"]

    def get_products(self, event: Event) -> list[dict[str, Any]]:
        from core_apps.ticketing.selectors import products_for_event
        from core_apps.ticketing.serializers import ProductSerializer

        code = self.context.get("unlock_code", "")
        data = ProductSerializer(products_for_event(event=event, unlock_code=code), many=True).data
        return cast("list[dict[str, Any]]", data)


class EventWriteSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    slug = serializers.SlugField(max_length=200, required=False, allow_blank=True)
    description = serializers.CharField(required=False, allow_blank=True)
    kind = serializers.ChoiceField(choices=Event.Kind.choices, required=False)
    status = serializers.ChoiceField(choices=Event.Status.choices, required=False)
    visibility = serializers.ChoiceField(choices=Event.Visibility.choices, required=False)
    level = serializers.SlugRelatedField(
        slug_field="slug", queryset=Level.objects.all(), required=False, allow_null=True
    )
    styles = serializers.SlugRelatedField(
        slug_field="slug", queryset=DanceStyle.objects.all(), many=True, required=False
    )
    venue_name = serializers.CharField(max_length=200, required=False, allow_blank=True)
    venue_id = serializers.IntegerField(required=False, allow_null=True)
    space_name = serializers.CharField(max_length=200, required=False, allow_blank=True)
    space_id = serializers.IntegerField(required=False, allow_null=True)
    teacher_names = serializers.CharField(max_length=300, required=False, allow_blank=True)
    teacher_ids = serializers.ListField(child=serializers.IntegerField(), required=False)
    time_zone = serializers.CharField(max_length=64, required=False)
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    recurrence = serializers.CharField(required=False, allow_blank=True)
