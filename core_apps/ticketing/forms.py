"""HTML forms of the catalogue. They parse input; the services hold the rules."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from core_apps.events.models import Event
from core_apps.ticketing.models import BalancePolicy, Product, Quota, RoleMode
from pista.formats import InvalidMoneyAmount, money_decimal, money_parse


class ProductForm(forms.Form):
    name = forms.CharField(max_length=200, label=_("Name"))
    description = forms.CharField(widget=forms.Textarea, required=False, label=_("Description"))
    kind = forms.ChoiceField(choices=Product.Kind.choices, label=_("Kind"))
    status = forms.ChoiceField(
        choices=Product.Status.choices, initial=Product.Status.DRAFT, label=_("Status")
    )
    event = forms.ModelChoiceField(Event.objects.all(), required=False, label=_("Event"))
    covers_events = forms.ModelMultipleChoiceField(
        Event.objects.all(), required=False, label=_("Covers events")
    )
    quotas = forms.ModelMultipleChoiceField(Quota.objects.all(), required=False, label=_("Quotas"))
    # Typed as a decimal (``129.00``), stored in minor units (``clean``).
    price_minor = forms.CharField(
        label=_("Price"), max_length=20, help_text=_("In the currency below, e.g. 129.00.")
    )
    currency = forms.CharField(max_length=3, label=_("Currency"))
    tax_rate = forms.DecimalField(
        max_digits=6, decimal_places=2, initial=0, label=_("Tax rate (%)")
    )
    sale_starts_at = forms.DateTimeField(required=False, label=_("Sale starts"))
    sale_ends_at = forms.DateTimeField(required=False, label=_("Sale ends"))
    min_per_order = forms.IntegerField(initial=1, label=_("Minimum per order"))
    max_per_order = forms.IntegerField(initial=10, label=_("Maximum per order"))
    is_hidden = forms.BooleanField(required=False, label=_("Hidden"))
    unlock_code = forms.CharField(max_length=64, required=False, label=_("Unlock code"))
    checkins = forms.IntegerField(required=False, label=_("Check-ins"))
    valid_days = forms.IntegerField(required=False, label=_("Valid for (days)"))
    period = forms.ChoiceField(
        choices=[("", "—"), *Product.Period.choices], required=False, label=_("Period")
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        price = cleaned.get("price_minor")
        if price is not None:
            try:
                cleaned["price_minor"] = money_parse(
                    str(price).replace(",", "."), cleaned.get("currency") or "EUR"
                )
            except InvalidMoneyAmount as exc:
                self.add_error("price_minor", exc.message)
        return cleaned

    @classmethod
    def initial_for(cls, product: Product) -> dict[str, Any]:
        initial = {field: getattr(product, field) for field in cls.base_fields}
        initial["price_minor"] = money_decimal(product.price_minor, product.currency)
        initial["quotas"] = list(product.quotas.all())
        initial["covers_events"] = list(product.covers_events.all())
        return initial


class QuotaForm(forms.Form):
    name = forms.CharField(max_length=200, label=_("Name"))
    size = forms.IntegerField(label=_("Size"))
    event = forms.ModelChoiceField(Event.objects.all(), required=False, label=_("Event"))
    role_mode = forms.ChoiceField(choices=RoleMode.choices, label=_("Roles"))
    balance_policy = forms.ChoiceField(choices=BalancePolicy.choices, label=_("Balance policy"))
    max_difference = forms.IntegerField(initial=2, label=_("Maximum difference"))
    max_ratio = forms.DecimalField(
        max_digits=7, decimal_places=2, initial="1.2", label=_("Maximum ratio")
    )
    grace = forms.IntegerField(initial=0, label=_("Grace"))
    couples_together = forms.BooleanField(required=False, initial=True, label=_("Couples together"))

    @classmethod
    def initial_for(cls, quota: Quota) -> dict[str, Any]:
        return {field: getattr(quota, field) for field in cls.base_fields}
