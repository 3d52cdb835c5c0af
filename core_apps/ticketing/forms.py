"""HTML forms of the catalogue. They parse input; the services hold the rules."""

from __future__ import annotations

from typing import Any

from django import forms

from core_apps.events.models import Event
from core_apps.ticketing.models import BalancePolicy, Product, Quota, RoleMode


class ProductForm(forms.Form):
    name = forms.CharField(max_length=200)
    description = forms.CharField(widget=forms.Textarea, required=False)
    kind = forms.ChoiceField(choices=Product.Kind.choices)
    status = forms.ChoiceField(choices=Product.Status.choices, initial=Product.Status.DRAFT)
    event = forms.ModelChoiceField(Event.objects.all(), required=False)
    covers_events = forms.ModelMultipleChoiceField(Event.objects.all(), required=False)
    quotas = forms.ModelMultipleChoiceField(Quota.objects.all(), required=False)
    price_minor = forms.IntegerField(label="Price (in cents)")
    currency = forms.CharField(max_length=3)
    tax_rate = forms.DecimalField(max_digits=6, decimal_places=2, initial=0)
    sale_starts_at = forms.DateTimeField(required=False)
    sale_ends_at = forms.DateTimeField(required=False)
    min_per_order = forms.IntegerField(initial=1)
    max_per_order = forms.IntegerField(initial=10)
    is_hidden = forms.BooleanField(required=False)
    unlock_code = forms.CharField(max_length=64, required=False)
    checkins = forms.IntegerField(required=False)
    valid_days = forms.IntegerField(required=False)
    period = forms.ChoiceField(choices=[("", "—"), *Product.Period.choices], required=False)

    @classmethod
    def initial_for(cls, product: Product) -> dict[str, Any]:
        initial = {field: getattr(product, field) for field in cls.base_fields}
        initial["quotas"] = list(product.quotas.all())
        initial["covers_events"] = list(product.covers_events.all())
        return initial


class QuotaForm(forms.Form):
    name = forms.CharField(max_length=200)
    size = forms.IntegerField()
    event = forms.ModelChoiceField(Event.objects.all(), required=False)
    role_mode = forms.ChoiceField(choices=RoleMode.choices)
    balance_policy = forms.ChoiceField(choices=BalancePolicy.choices)
    max_difference = forms.IntegerField(initial=2)
    max_ratio = forms.DecimalField(max_digits=7, decimal_places=2, initial="1.2")
    grace = forms.IntegerField(initial=0)
    couples_together = forms.BooleanField(required=False, initial=True)

    @classmethod
    def initial_for(cls, quota: Quota) -> dict[str, Any]:
        return {field: getattr(quota, field) for field in cls.base_fields}
