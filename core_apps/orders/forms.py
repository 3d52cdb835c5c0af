"""Forms of the public checkout and the staff check-in page."""

from __future__ import annotations

import secrets
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from core_apps.orders.models import Order
from core_apps.orders.selectors import product_dates_to_choose
from core_apps.orders.services.checkout import ANSWER_LENGTH_MAX
from core_apps.orders.services.common import payment_providers_enabled
from core_apps.ticketing.models import Product
from core_apps.ticketing.selectors import product_balances_roles
from pista.formats import datetime_format


class CheckoutForm(forms.Form):
    name = forms.CharField(label=_("Your name"), max_length=200)
    email = forms.EmailField(label=_("Email"))
    role = forms.ChoiceField(
        label=_("Role"),
        required=False,
        choices=[("", "—"), ("lead", _("Leader")), ("follow", _("Follower"))],
    )
    partner_name = forms.CharField(
        label=_("Partner's name (optional)"), required=False, max_length=200
    )
    partner_email = forms.EmailField(label=_("Partner's email (optional)"), required=False)
    promo_code = forms.CharField(label=_("Promo code"), required=False, max_length=64)
    provider = forms.ChoiceField(label=_("Payment"))
    join_waitlist = forms.BooleanField(
        label=_("Put me on the waitlist if there is no place"), required=False
    )
    # One-time token of this rendering of the form: a second submission with it
    # (a double click) leads to the order the first one placed.
    submission_token = forms.RegexField(
        regex=r"^[A-Za-z0-9_-]{16,64}$", required=False, widget=forms.HiddenInput
    )

    def __init__(
        self, *args: Any, product: Product, simulated: bool, free: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial["submission_token"] = secrets.token_urlsafe(24)
        choices = []
        if Order.Provider.MANUAL in payment_providers_enabled():
            choices.append((Order.Provider.MANUAL, Order.Provider.MANUAL.label))
        if simulated:
            choices.insert(0, (Order.Provider.SIMULATED, Order.Provider.SIMULATED.label))
        if free:
            # Nothing to pay: no payment step (the order service confirms it at once).
            choices = [(Order.Provider.FREE, Order.Provider.FREE.label)]
            self.fields["provider"].widget = forms.HiddenInput()
            self.initial["provider"] = Order.Provider.FREE
        self.fields["provider"].choices = choices
        dates = product_dates_to_choose(product=product)
        if dates:
            zone = product.event.time_zone if product.event else None
            self.fields["event_date"] = forms.TypedChoiceField(
                label=_("Date"),
                coerce=int,
                choices=[("", "—"), *[(d.pk, datetime_format(d.starts_at, zone)) for d in dates]],
            )
        if not product_balances_roles(product=product):
            for name in ("role", "partner_name", "partner_email"):
                del self.fields[name]
        for question in product.questions.all():
            key = f"q_{question.pk}"
            if question.kind == question.Kind.CHOICE:
                self.fields[key] = forms.ChoiceField(
                    label=question.label,
                    required=question.required,
                    choices=[("", "—"), *[(c, c) for c in question.choice_list]],
                )
            elif question.kind == question.Kind.CHECKBOX:
                self.fields[key] = forms.BooleanField(
                    label=question.label, required=question.required
                )
            else:
                self.fields[key] = forms.CharField(
                    label=question.label, required=question.required, max_length=ANSWER_LENGTH_MAX
                )

    def answers(self) -> dict[str, Any]:
        return {key[2:]: value for key, value in self.cleaned_data.items() if key.startswith("q_")}


class CardForm(forms.Form):
    card_number = forms.CharField(
        label=_("Card number"), max_length=32, initial="4242 4242 4242 4242"
    )


class TransferForm(forms.Form):
    name = forms.CharField(label=_("New holder's name"), max_length=200)
    email = forms.EmailField(label=_("New holder's email"))
