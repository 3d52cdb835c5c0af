"""Forms of the back office's order and payment pages: parse and validate
input only; the services decide."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core_apps.events.models import Event, EventDate
from core_apps.orders.models import Order
from core_apps.ticketing.models import Product
from pista.formats import InvalidMoneyAmount, money_parse

PAGE_SIZE = 50


class OrderFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("Any")), *Order.Status.choices]
    )
    provider = forms.ChoiceField(
        label=_("Payment"), required=False, choices=[("", _("Any")), *Order.Provider.choices]
    )
    product = forms.ModelChoiceField(
        label=_("Product"), required=False, queryset=Product.objects.order_by("name")
    )
    event = forms.ModelChoiceField(
        label=_("Event"), required=False, queryset=Event.objects.order_by("-starts_at")
    )
    event_date = forms.ModelChoiceField(
        label=_("Date"), required=False, queryset=EventDate.objects.none()
    )
    created_from = forms.DateField(
        label=_("Ordered from"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    created_until = forms.DateField(
        label=_("Ordered until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        event_id = self.data.get("event") if self.is_bound else None
        if event_id and str(event_id).isdigit():
            # The dates of the chosen event (a festival's days, a course's classes).
            dates = self.fields["event_date"]
            assert isinstance(dates, forms.ModelChoiceField)
            dates.queryset = EventDate.objects.filter(event_id=int(event_id)).order_by("starts_at")
        else:
            del self.fields["event_date"]

    def day_bounds(self, zone: ZoneInfo) -> tuple[datetime | None, datetime | None]:
        """The creation range as instants: whole days in the community's zone."""
        start = self.cleaned_data.get("created_from")
        end = self.cleaned_data.get("created_until")
        return (
            datetime.combine(start, time.min, tzinfo=zone) if start else None,
            datetime.combine(end + timedelta(days=1), time.min, tzinfo=zone) if end else None,
        )


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Kept in the order's log and the audit log."),
    )


class MarkPaidForm(ReasonForm):
    reference = forms.CharField(
        label=_("Payment reference"),
        required=False,
        max_length=64,
        help_text=_("As on the bank statement (optional)."),
    )


class RefundForm(ReasonForm):
    amount = forms.CharField(
        label=_("Amount"),
        required=False,
        max_length=20,
        help_text=_("Empty: everything left to refund (the tickets are cancelled)."),
    )

    def __init__(self, *args: Any, currency: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.currency = currency
        self.fields["amount"].label = _("Amount (%(currency)s)") % {"currency": currency}

    def clean_amount(self) -> int | None:
        """The typed decimal amount in minor units (``12.50`` → 1250), or None (all)."""
        text = (self.cleaned_data.get("amount") or "").strip().replace(",", ".")
        if not text:
            return None
        try:
            amount = money_parse(text, self.currency)
        except InvalidMoneyAmount as exc:
            raise forms.ValidationError(exc.message) from exc
        if amount <= 0:
            raise forms.ValidationError(_("The amount must be more than zero."))
        return amount


class DeadlineForm(ReasonForm):
    until = forms.DateTimeField(
        label=_("New deadline"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )

    def __init__(self, *args: Any, zone: ZoneInfo, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.zone = zone
        self.fields["until"].help_text = _("In %(zone)s.") % {"zone": str(zone)}

    def clean_until(self) -> datetime:
        value = self.cleaned_data["until"]
        # Typed on the community's clock, whatever the server's zone.
        return timezone.make_aware(timezone.make_naive(value), self.zone) if value else value


class AttendeeForm(ReasonForm):
    name = forms.CharField(label=_("Attendee name"), max_length=200)
    email = forms.EmailField(label=_("Attendee email"))
    role = forms.ChoiceField(
        label=_("Role"),
        required=False,
        choices=[("", _("None")), ("lead", _("Leader")), ("follow", _("Follower"))],
    )
    field_order = ["name", "email", "role", "reason"]


class PaymentSettingsForm(forms.Form):
    legal_name = forms.CharField(label=_("Legal name"), required=False, max_length=200)
    legal_address = forms.CharField(
        label=_("Address"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    vat_id = forms.CharField(label=_("VAT ID"), required=False, max_length=32)
    bank_account_holder = forms.CharField(label=_("Account holder"), required=False, max_length=200)
    iban = forms.CharField(label=_("IBAN"), required=False, max_length=42)
    bic = forms.CharField(label=_("BIC"), required=False, max_length=14)
    bank_name = forms.CharField(label=_("Bank"), required=False, max_length=200)
    payment_days = forms.IntegerField(
        label=_("Days to pay a bank transfer"), min_value=1, max_value=60
    )
    reminder_days = forms.IntegerField(
        label=_("Remind the buyer this many days before the deadline"),
        min_value=0,
        max_value=59,
    )
    bank_transfer_enabled = forms.BooleanField(
        label=_("Take bank transfers (or payment at the door)"), required=False
    )
    card_enabled = forms.BooleanField(label=_("Take card payments (Stripe)"), required=False)

    @classmethod
    def initial_for(cls, row: Any) -> dict[str, Any]:
        from stdnum import iban as stdnum_iban

        initial = {name: getattr(row, name) for name in cls.base_fields}
        if row.iban:
            initial["iban"] = stdnum_iban.format(row.iban)
        return initial
