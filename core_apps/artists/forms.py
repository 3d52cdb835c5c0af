"""HTML forms for artists. Times are entered in the community's time zone;
fees as decimals in their currency (``129.50``), handed on in minor units."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from core_apps.artists.models import ArtistProfile, DanceRole
from core_apps.bookings.forms import (
    AmountField,
    LocalDateTimeField,
    amounts_initial,
    amounts_to_minor,
)

LIST_FIELDS = ("styles", "levels", "languages", "links")
PROFILE_FEES = {
    "fee_class": "fee_class_minor",
    "fee_workshop": "fee_workshop_minor",
    "fee_weekend": "fee_weekend_minor",
}
BOOKING_AMOUNTS = {"fee": "fee_minor", "deposit": "deposit_minor"}


def _list_field(label: str) -> forms.CharField:
    return forms.CharField(label=label, required=False, help_text=_("Comma-separated."))


def split_list(value: str) -> list[str]:
    return [item.strip() for item in value.split(",") if item.strip()]


class ArtistProfileForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    bio = forms.CharField(label=_("Bio (HTML)"), required=False, widget=forms.Textarea)
    styles = _list_field(_("Styles"))
    dance_role = forms.ChoiceField(label=_("Roles taught"), choices=DanceRole.choices)
    levels = _list_field(_("Levels"))
    languages = _list_field(_("Languages"))
    home_city = forms.CharField(label=_("Home city"), max_length=120, required=False)
    travel_preferences = forms.CharField(label=_("Travel"), required=False, widget=forms.Textarea)
    fee_currency = forms.CharField(label=_("Fee currency"), max_length=3, initial="EUR")
    fee_class = AmountField(
        label=_("Fee per class"), required=False, help_text=_("In the fee currency, e.g. 129.50.")
    )
    fee_workshop = AmountField(label=_("Fee per workshop"), required=False)
    fee_weekend = AmountField(label=_("Fee per weekend"), required=False)
    video_url = forms.URLField(label=_("Video link"), required=False, assume_scheme="https")
    links = _list_field(_("Links"))
    technical_rider = forms.CharField(
        label=_("Technical rider"), required=False, widget=forms.Textarea
    )
    photo = forms.FileField(label=_("Photo"), required=False)

    def clean(self) -> dict[str, Any]:
        super().clean()
        return amounts_to_minor(self, PROFILE_FEES, self.cleaned_data.get("fee_currency"))

    def profile_data(self) -> dict[str, object]:
        """The profile's fields as ``artist_profile_create``/``_update`` take them."""
        data = dict(self.cleaned_data)
        data.pop("photo", None)
        for key in LIST_FIELDS:
            data[key] = split_list(data[key])
        return data

    @classmethod
    def initial_for(cls, profile: ArtistProfile) -> dict[str, object]:
        """A saved profile as the form shows it: lists comma-separated, fees as decimals."""
        initial: dict[str, object] = {
            name: getattr(profile, name)
            for name in cls.base_fields
            if name not in PROFILE_FEES and name != "photo"
        }
        for key in LIST_FIELDS:
            initial[key] = ", ".join(getattr(profile, key))
        fees = {field: getattr(profile, key) for field, key in PROFILE_FEES.items()}
        initial.update(amounts_initial(fees, profile.fee_currency))
        return initial


class BlockForm(forms.Form):
    starts_at = LocalDateTimeField(label=_("From"))
    ends_at = LocalDateTimeField(label=_("Until"))
    note = forms.CharField(label=_("Note"), max_length=200, required=False)


class BookingRequestForm(forms.Form):
    title = forms.CharField(label=_("Event or occasion"), max_length=200)
    starts_at = LocalDateTimeField(label=_("From"))
    ends_at = LocalDateTimeField(label=_("Until"))
    wanted = forms.CharField(label=_("What is wanted"), required=False, widget=forms.Textarea)
    fee = AmountField(label=_("Proposed fee"), help_text=_("In the currency below, e.g. 800.00."))
    currency = forms.CharField(label=_("Currency"), max_length=3, initial="EUR")
    deposit = AmountField(label=_("Deposit"), initial=0)
    travel_terms = forms.CharField(label=_("Travel"), required=False, widget=forms.Textarea)
    accommodation_terms = forms.CharField(
        label=_("Accommodation"), required=False, widget=forms.Textarea
    )

    def clean(self) -> dict[str, Any]:
        """The amounts in minor units (``fee_minor``, ``deposit_minor``)."""
        super().clean()
        return amounts_to_minor(self, BOOKING_AMOUNTS, self.cleaned_data.get("currency"))


class CounterForm(forms.Form):
    fee = AmountField(label=_("Fee"), help_text=_("In the booking's currency, e.g. 800.00."))
    currency = forms.CharField(label=_("Currency"), max_length=3)
    deposit = AmountField(label=_("Deposit"), required=False)
    travel_terms = forms.CharField(label=_("Travel"), required=False, widget=forms.Textarea)
    accommodation_terms = forms.CharField(
        label=_("Accommodation"), required=False, widget=forms.Textarea
    )
    message = forms.CharField(label=_("Message"), required=False, max_length=500)

    def clean(self) -> dict[str, Any]:
        """The amounts in minor units; an empty deposit keeps the one on the table."""
        super().clean()
        return amounts_to_minor(self, BOOKING_AMOUNTS, self.cleaned_data.get("currency"))

    @staticmethod
    def initial_for(*, fee_minor: int, deposit_minor: int, currency: str) -> dict[str, object]:
        """The terms on the table, shown as decimals."""
        amounts = amounts_initial({"fee": fee_minor, "deposit": deposit_minor}, currency)
        return {**amounts, "currency": currency}
