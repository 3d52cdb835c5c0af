"""Filters of the catalogue's API lists (django-filter)."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _

from core_apps.ticketing.models import Product, Quota
from pista.api.filtering import IdFilter


class ProductFilter(django_filters.FilterSet):
    event = IdFilter(field_name="event", help_text=_("Products of this event (id)."))
    kind = django_filters.ChoiceFilter(choices=Product.Kind.choices)
    status = django_filters.ChoiceFilter(choices=Product.Status.choices)

    class Meta:
        model = Product
        fields = ["event", "kind", "status"]


class QuotaFilter(django_filters.FilterSet):
    event = IdFilter(field_name="event", help_text=_("Quotas of this event (id)."))

    class Meta:
        model = Quota
        fields = ["event"]
