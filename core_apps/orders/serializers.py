"""Input and output shapes of the orders API (no business rules here)."""

from __future__ import annotations

from typing import Any, cast

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from core_apps.orders.models import CheckinList, Invoice, Order, Position, PromoCode, WaitlistEntry
from core_apps.orders.services import AttendeeIn, InvalidQuantity, LineIn
from core_apps.orders.services.checkout import (
    ANSWER_LENGTH_MAX,
    ORDER_LINES_MAX,
    ORDER_TICKETS_MAX,
)

ROLE_CHOICES = ["", "lead", "follow", "switch"]
ANSWERS_MAX = 50


class AttendeeInSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    email = serializers.EmailField()
    role = serializers.ChoiceField(choices=ROLE_CHOICES, required=False, default="")
    partner_name = serializers.CharField(
        max_length=200, required=False, default="", allow_blank=True
    )
    partner_email = serializers.EmailField(required=False, default="", allow_blank=True)
    answers = serializers.DictField(required=False, default=dict)

    def validate_answers(self, answers: dict[str, Any]) -> dict[str, Any]:
        # Answers are short texts, choices or ticks: no nested data, no essays.
        if len(answers) > ANSWERS_MAX or any(
            not isinstance(value, str | bool | int | None)
            or (isinstance(value, str) and len(value) > ANSWER_LENGTH_MAX)
            for value in answers.values()
        ):
            raise serializers.ValidationError(
                gettext("Give at most %(count)d short answers.") % {"count": ANSWERS_MAX}
            )
        return answers


class LineInSerializer(serializers.Serializer):
    product = serializers.IntegerField(min_value=1, max_value=2**31 - 1)
    quantity = serializers.IntegerField()  # bounded in validate_lines
    role = serializers.ChoiceField(choices=ROLE_CHOICES, required=False, default="")
    price_minor = serializers.IntegerField(
        required=False, allow_null=True, default=None, min_value=0, max_value=2**63 - 1
    )
    attendees = AttendeeInSerializer(
        many=True, required=False, default=list, max_length=ORDER_TICKETS_MAX
    )
    event_date = serializers.IntegerField(
        required=False,
        allow_null=True,
        default=None,
        min_value=1,
        max_value=2**31 - 1,
        help_text=_("For a ticket to one date of a recurring event: the date's id."),
    )


def _too_many_tickets() -> InvalidQuantity:
    return InvalidQuantity(
        gettext("At most %(count)d tickets per order.") % {"count": ORDER_TICKETS_MAX}
    )


class CheckoutInSerializer(serializers.Serializer):
    email = serializers.EmailField()
    name = serializers.CharField(max_length=200)
    provider = serializers.CharField(max_length=16)
    currency = serializers.CharField(max_length=8, required=False, allow_null=True, default=None)
    expected_total_minor = serializers.IntegerField(required=False, allow_null=True, default=None)
    promo_code = serializers.CharField(max_length=64, required=False, default="", allow_blank=True)
    unlock_code = serializers.CharField(max_length=64, required=False, default="", allow_blank=True)
    join_waitlist = serializers.BooleanField(required=False, default=False)
    lines = LineInSerializer(many=True, allow_empty=True, max_length=ORDER_LINES_MAX)

    def to_internal_value(self, data: Any) -> Any:
        # Attendees are counted before each one is validated (at most
        # ORDER_LINES_MAX lines are looked at: more are refused anyway).
        lines = data.get("lines") if isinstance(data, dict) else None
        if isinstance(lines, list):
            attendees = sum(
                len(line["attendees"])
                for line in lines[: ORDER_LINES_MAX + 1]
                if isinstance(line, dict) and isinstance(line.get("attendees"), list)
            )
            if attendees > ORDER_TICKETS_MAX:
                raise _too_many_tickets()
        return super().to_internal_value(data)

    def validate_lines(self, lines: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Counts bounded before the service builds anything per ticket (it
        checks each product's own maximum). Raises InvalidQuantity, whose code
        the API has always answered for a bad quantity."""
        if any(line["quantity"] < 1 for line in lines):
            raise InvalidQuantity(gettext("Order at least one ticket."))
        if sum(line["quantity"] for line in lines) > ORDER_TICKETS_MAX:
            raise _too_many_tickets()
        return lines

    def to_service_kwargs(self) -> dict[str, Any]:
        data = dict(self.validated_data)
        data["lines"] = [
            LineIn(
                product_id=line["product"],
                quantity=line["quantity"],
                role=line["role"],
                price_minor=line["price_minor"],
                attendees=[AttendeeIn(**a) for a in line["attendees"]],
                event_date_id=line["event_date"],
            )
            for line in data["lines"]
        ]
        return data


class PositionSerializer(serializers.ModelSerializer):
    product_name = serializers.CharField(source="product.name")

    class Meta:
        model = Position
        fields = [
            "id",
            "product",
            "product_name",
            "status",
            "attendee_name",
            "attendee_email",
            "role",
            "role_admitted",
            "price_minor",
            "tax_minor",
            "tier",
            "checkins_left",
            "checked_in_at",
        ]


class PositionWithSecretSerializer(PositionSerializer):
    class Meta(PositionSerializer.Meta):
        fields = [*PositionSerializer.Meta.fields, "secret"]


class OrderSerializer(serializers.ModelSerializer):
    positions = serializers.SerializerMethodField()

    class Meta:
        model = Order
        fields = [
            "code",
            "status",
            "provider",
            "email",
            "name",
            "currency",
            "subtotal_minor",
            "discount_minor",
            "total_minor",
            "tax_minor",
            "refunded_minor",
            "dispute_status",
            "payment_reference",
            "expires_at",
            "paid_at",
            "created",
            "positions",
        ]

    def get_positions(self, order: Order) -> list[dict[str, Any]]:
        # Tickets (their QR secrets) only once paid.
        cls = (
            PositionWithSecretSerializer
            if order.status == Order.Status.PAID
            else PositionSerializer
        )
        positions = getattr(order, "created_positions", None)
        if positions is None:
            positions = order.positions.select_related("product")
        # many=True builds a ListSerializer, whose data is a list.
        return cast("list[dict[str, Any]]", cls(positions, many=True).data)


class PositionListSerializer(PositionSerializer):
    """A ticket in the API's list of tickets: with its order's code (no QR secret)."""

    order = serializers.CharField(source="order.code")

    class Meta(PositionSerializer.Meta):
        fields = ["id", "order", *PositionSerializer.Meta.fields[1:]]


class InvoiceSerializer(serializers.ModelSerializer):
    order = serializers.CharField(source="order.code")

    class Meta:
        model = Invoice
        fields = ["number", "kind", "order", "total_minor", "tax_minor", "currency", "created"]


class PromoCodeSerializer(serializers.ModelSerializer):
    class Meta:
        model = PromoCode
        fields = [
            "id",
            "code",
            "kind",
            "value",
            "max_uses",
            "used",
            "valid_from",
            "valid_until",
            "is_active",
            "products",
        ]


class WaitlistEntrySerializer(serializers.ModelSerializer):
    class Meta:
        model = WaitlistEntry
        fields = ["id", "product", "name", "email", "role", "status", "offer_expires_at", "created"]


class SecretSerializer(serializers.Serializer):
    secret = serializers.CharField(max_length=64)


class PaySerializer(SecretSerializer):
    card_number = serializers.CharField(max_length=32)


class RefundSerializer(serializers.Serializer):
    amount_minor = serializers.IntegerField(required=False, allow_null=True, default=None)


class CheckInSerializer(serializers.Serializer):
    secret = serializers.CharField(max_length=64)
    location = serializers.CharField(max_length=100, required=False, default="", allow_blank=True)


class WaitlistJoinSerializer(serializers.Serializer):
    product = serializers.IntegerField()
    name = serializers.CharField(max_length=200)
    email = serializers.EmailField()
    role = serializers.ChoiceField(choices=ROLE_CHOICES, required=False, default="")
    partner_name = serializers.CharField(
        max_length=200, required=False, default="", allow_blank=True
    )
    partner_email = serializers.EmailField(required=False, default="", allow_blank=True)


class WaitlistClaimSerializer(serializers.Serializer):
    provider = serializers.CharField(max_length=16)


class TransferSerializer(serializers.Serializer):
    secret = serializers.CharField(max_length=64, required=False, default="", allow_blank=True)
    name = serializers.CharField(max_length=200)
    email = serializers.EmailField()
    role = serializers.ChoiceField(choices=ROLE_CHOICES, required=False, default="")


class CheckinListSerializer(serializers.ModelSerializer):
    event_title = serializers.CharField(source="event.title", read_only=True)
    event_date_starts_at = serializers.DateTimeField(
        source="event_date.starts_at", read_only=True, allow_null=True, default=None
    )
    products = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    admitted = serializers.IntegerField(read_only=True, default=0)

    class Meta:
        model = CheckinList
        fields = [
            "id",
            "name",
            "event",
            "event_title",
            "event_date",
            "event_date_starts_at",
            "products",
            "is_default",
            "is_active",
            "admitted",
        ]


class CheckinListWriteSerializer(serializers.Serializer):
    event = serializers.IntegerField()
    name = serializers.CharField(max_length=200)
    event_date = serializers.IntegerField(required=False, allow_null=True, default=None)
    products = serializers.ListField(
        child=serializers.IntegerField(), required=False, default=list, max_length=200
    )


class CheckinListCountsSerializer(serializers.Serializer):
    admitted = serializers.IntegerField()
    expected = serializers.IntegerField()
    admitted_now = serializers.IntegerField()
    percent = serializers.IntegerField()


class CheckinResultSerializer(serializers.Serializer):
    code = serializers.CharField()
    checkin = serializers.IntegerField(allow_null=True)
    position = serializers.IntegerField()
    order = serializers.CharField()
    attendee_name = serializers.CharField()
    product = serializers.CharField()
    role = serializers.CharField(allow_blank=True)
    checkins_left = serializers.IntegerField(allow_null=True)


class CheckinSearchResultSerializer(serializers.Serializer):
    position = serializers.IntegerField(source="pk")
    order = serializers.CharField(source="order.code")
    attendee_name = serializers.CharField()
    product = serializers.CharField(source="product.name")
    role = serializers.CharField(source="role_admitted")
    secret = serializers.CharField()
    checked_in_at = serializers.SerializerMethodField()

    def get_checked_in_at(self, position: Position) -> str | None:
        admitted = getattr(position, "admitted_here", None)
        return admitted.created.isoformat() if admitted else None
