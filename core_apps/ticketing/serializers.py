"""API shapes of the catalogue. Types only: the rules live in services."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from core_apps.events.models import Event, EventDate
from core_apps.ticketing.models import (
    AttendeeQuestion,
    BalancePolicy,
    PriceTier,
    Product,
    Quota,
    RoleMode,
)
from core_apps.ticketing.selectors import product_availability, product_price_current


class PriceTierSerializer(serializers.ModelSerializer):
    class Meta:
        model = PriceTier
        fields = ["name", "price_minor", "ends_at", "first_n"]


class AttendeeQuestionSerializer(serializers.ModelSerializer):
    choices = serializers.ListField(source="choice_list", child=serializers.CharField())

    class Meta:
        model = AttendeeQuestion
        fields = ["id", "label", "kind", "choices", "required"]


class ProductSerializer(serializers.ModelSerializer):
    """A product as the public sees it: current price and what is left."""

    price = serializers.SerializerMethodField()
    availability = serializers.SerializerMethodField()
    tiers = PriceTierSerializer(many=True, read_only=True)
    questions = AttendeeQuestionSerializer(many=True, read_only=True)

    class Meta:
        model = Product
        fields = [
            "id",
            "name",
            "description",
            "kind",
            "status",
            "price_minor",
            "currency",
            "tax_rate",
            "price",
            "availability",
            "sale_starts_at",
            "sale_ends_at",
            "min_per_order",
            "max_per_order",
            "checkins",
            "valid_days",
            "period",
            "tiers",
            "questions",
        ]

    def get_price(self, product: Product) -> dict[str, Any]:
        price = product_price_current(product=product)
        return {"minor": price.minor, "currency": price.currency, "tier": price.tier}

    def get_availability(self, product: Product) -> dict[str, Any]:
        availability = product_availability(product=product)
        return {
            "on_sale": availability.on_sale,
            "left": availability.left,
            "roles": availability.roles,
            "role_left": availability.role_left,
        }


# Bounds of the amounts and counts a catalogue takes (PostgreSQL ``integer``).
PRICE_MINOR_MAX = 100_000_000
COUNT_MAX = 1_000_000


class PriceTierWriteSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=100)
    price_minor = serializers.IntegerField(min_value=0, max_value=PRICE_MINOR_MAX)
    ends_at = serializers.DateTimeField(required=False, allow_null=True)
    first_n = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, max_value=COUNT_MAX
    )


class AttendeeQuestionWriteSerializer(serializers.Serializer):
    label = serializers.CharField(max_length=200)
    kind = serializers.ChoiceField(choices=AttendeeQuestion.Kind.choices, required=False)
    choices = serializers.ListField(child=serializers.CharField(), required=False)
    required = serializers.BooleanField(required=False)


class ProductWriteSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    description = serializers.CharField(required=False, allow_blank=True)
    kind = serializers.ChoiceField(choices=Product.Kind.choices, required=False)
    status = serializers.ChoiceField(choices=Product.Status.choices, required=False)
    event = serializers.PrimaryKeyRelatedField(
        queryset=Event.objects.all(), required=False, allow_null=True
    )
    covers_events = serializers.PrimaryKeyRelatedField(
        queryset=Event.objects.all(), many=True, required=False
    )
    covers_dates = serializers.PrimaryKeyRelatedField(
        queryset=EventDate.objects.all(), many=True, required=False
    )
    quotas = serializers.PrimaryKeyRelatedField(
        queryset=Quota.objects.all(), many=True, required=False
    )
    price_minor = serializers.IntegerField(min_value=0, max_value=PRICE_MINOR_MAX)
    currency = serializers.CharField(max_length=3, required=False)
    tax_rate = serializers.DecimalField(max_digits=5, decimal_places=2, required=False)
    sale_starts_at = serializers.DateTimeField(required=False, allow_null=True)
    sale_ends_at = serializers.DateTimeField(required=False, allow_null=True)
    min_per_order = serializers.IntegerField(required=False, min_value=0, max_value=COUNT_MAX)
    max_per_order = serializers.IntegerField(required=False, min_value=0, max_value=COUNT_MAX)
    is_hidden = serializers.BooleanField(required=False)
    unlock_code = serializers.CharField(max_length=64, required=False, allow_blank=True)
    checkins = serializers.IntegerField(
        required=False, allow_null=True, min_value=0, max_value=COUNT_MAX
    )
    valid_days = serializers.IntegerField(
        required=False, allow_null=True, min_value=0, max_value=COUNT_MAX
    )
    period = serializers.ChoiceField(
        choices=Product.Period.choices, required=False, allow_blank=True
    )
    position = serializers.IntegerField(required=False, min_value=0, max_value=COUNT_MAX)
    tiers = PriceTierWriteSerializer(many=True, required=False)
    questions = AttendeeQuestionWriteSerializer(many=True, required=False)


class QuotaSerializer(serializers.ModelSerializer):
    class Meta:
        model = Quota
        fields = [
            "id",
            "name",
            "event",
            "size",
            "sold",
            "sold_lead",
            "sold_follow",
            "role_mode",
            "balance_policy",
            "max_difference",
            "max_ratio",
            "grace",
            "couples_together",
        ]


class QuotaWriteSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    size = serializers.IntegerField()
    event = serializers.PrimaryKeyRelatedField(
        queryset=Event.objects.all(), required=False, allow_null=True
    )
    role_mode = serializers.ChoiceField(choices=RoleMode.choices, required=False)
    balance_policy = serializers.ChoiceField(choices=BalancePolicy.choices, required=False)
    max_difference = serializers.IntegerField(required=False)
    max_ratio = serializers.DecimalField(max_digits=7, decimal_places=2, required=False)
    grace = serializers.IntegerField(required=False)
    couples_together = serializers.BooleanField(required=False)
