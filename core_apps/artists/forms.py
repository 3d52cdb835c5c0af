"""HTML forms for artists. Times are entered in the community's time zone."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from core_apps.artists.models import DanceRole
from core_apps.bookings.forms import LocalDateTimeField


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
    fee_class_minor = forms.IntegerField(
        label=_("Fee per class (cents)"), min_value=0, required=False
    )
    fee_workshop_minor = forms.IntegerField(
        label=_("Fee per workshop (cents)"), min_value=0, required=False
    )
    fee_weekend_minor = forms.IntegerField(
        label=_("Fee per weekend (cents)"), min_value=0, required=False
    )
    video_url = forms.URLField(label=_("Video link"), required=False, assume_scheme="https")
    links = _list_field(_("Links"))
    technical_rider = forms.CharField(
        label=_("Technical rider"), required=False, widget=forms.Textarea
    )
    photo = forms.FileField(label=_("Photo"), required=False)

    def profile_data(self) -> dict[str, object]:
        data = dict(self.cleaned_data)
        data.pop("photo", None)
        for key in ("styles", "levels", "languages", "links"):
            data[key] = split_list(data[key])
        return data


class BlockForm(forms.Form):
    starts_at = LocalDateTimeField(label=_("From"))
    ends_at = LocalDateTimeField(label=_("Until"))
    note = forms.CharField(label=_("Note"), max_length=200, required=False)


class BookingRequestForm(forms.Form):
    title = forms.CharField(label=_("Event or occasion"), max_length=200)
    starts_at = LocalDateTimeField(label=_("From"))
    ends_at = LocalDateTimeField(label=_("Until"))
    wanted = forms.CharField(label=_("What is wanted"), required=False, widget=forms.Textarea)
    fee_minor = forms.IntegerField(label=_("Proposed fee (cents)"), min_value=0)
    currency = forms.CharField(label=_("Currency"), max_length=3, initial="EUR")
    deposit_minor = forms.IntegerField(label=_("Deposit (cents)"), min_value=0, initial=0)
    travel_terms = forms.CharField(label=_("Travel"), required=False, widget=forms.Textarea)
    accommodation_terms = forms.CharField(
        label=_("Accommodation"), required=False, widget=forms.Textarea
    )


class CounterForm(forms.Form):
    fee_minor = forms.IntegerField(label=_("Fee (cents)"), min_value=0)
    currency = forms.CharField(label=_("Currency"), max_length=3)
    deposit_minor = forms.IntegerField(label=_("Deposit (cents)"), min_value=0, required=False)
    travel_terms = forms.CharField(label=_("Travel"), required=False, widget=forms.Textarea)
    accommodation_terms = forms.CharField(
        label=_("Accommodation"), required=False, widget=forms.Textarea
    )
    message = forms.CharField(label=_("Message"), required=False, max_length=500)
