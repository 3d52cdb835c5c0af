"""HTML forms for venues. Times are entered in the venue's local time."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from core_apps.bookings.forms import LocalDateTimeField


class SpaceBookingRequestForm(forms.Form):
    title = forms.CharField(label=_("What for"), max_length=200)
    starts_at = LocalDateTimeField(label=_("Starts"))
    ends_at = LocalDateTimeField(label=_("Ends"))
    rrule = forms.CharField(
        label=_("Repeat (RFC 5545 rule)"),
        required=False,
        max_length=500,
        help_text=_("e.g. FREQ=WEEKLY;COUNT=10 — leave empty for a one-off booking."),
    )
    free_dates_only = forms.BooleanField(label=_("Book the free dates only"), required=False)


class DecisionForm(forms.Form):
    note = forms.CharField(label=_("Note"), max_length=300, required=False)
