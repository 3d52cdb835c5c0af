"""Filters of the orders app's API lists (django-filter)."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _

from core_apps.orders.models import Invoice, Order, Position, PromoCode, WaitlistEntry
from pista.api.filtering import BooleanFilter, DateTimeFilter, IdFilter

ROLE_CHOICES = [("lead", _("Lead")), ("follow", _("Follow")), ("switch", _("Switch"))]


class OrderFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=Order.Status.choices)
    provider = django_filters.ChoiceFilter(choices=Order.Provider.choices)
    email = django_filters.CharFilter(lookup_expr="iexact", max_length=254)
    event = IdFilter(field_name="event", help_text=_("Orders placed for this event (id)."))
    created_after = DateTimeFilter(field_name="created", lookup_expr="gte")
    created_before = DateTimeFilter(field_name="created", lookup_expr="lt")

    class Meta:
        model = Order
        fields = ["status", "provider", "email", "event", "created_after", "created_before"]


class PositionFilter(django_filters.FilterSet):
    order = django_filters.CharFilter(field_name="order__code", max_length=16)
    product = IdFilter(field_name="product")
    status = django_filters.ChoiceFilter(choices=Position.Status.choices)
    role = django_filters.ChoiceFilter(field_name="role_admitted", choices=ROLE_CHOICES[:2])

    class Meta:
        model = Position
        fields = ["order", "product", "status", "role"]


class InvoiceFilter(django_filters.FilterSet):
    order = django_filters.CharFilter(field_name="order__code", max_length=16)
    kind = django_filters.ChoiceFilter(choices=Invoice.Kind.choices)
    created_after = DateTimeFilter(field_name="created", lookup_expr="gte")
    created_before = DateTimeFilter(field_name="created", lookup_expr="lt")

    class Meta:
        model = Invoice
        fields = ["order", "kind", "created_after", "created_before"]


class WaitlistEntryFilter(django_filters.FilterSet):
    product = IdFilter(field_name="product")
    status = django_filters.ChoiceFilter(choices=WaitlistEntry.Status.choices)
    role = django_filters.ChoiceFilter(choices=ROLE_CHOICES)

    class Meta:
        model = WaitlistEntry
        fields = ["product", "status", "role"]


class PromoCodeFilter(django_filters.FilterSet):
    is_active = BooleanFilter()
    kind = django_filters.ChoiceFilter(choices=PromoCode.Kind.choices)
    product = IdFilter(field_name="products", help_text=_("Codes valid for this product (id)."))

    class Meta:
        model = PromoCode
        fields = ["is_active", "kind", "product"]
