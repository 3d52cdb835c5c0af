"""HTML forms for venues. Times are entered in the venue's local time; prices
as decimals in the space's currency (``30.00``), handed on in minor units."""

from __future__ import annotations

from datetime import time
from typing import Any
from zoneinfo import available_timezones

from django import forms
from django.utils.translation import gettext_lazy as _

from core_apps.accounts.models import User
from core_apps.bookings.forms import (
    AmountField,
    LocalDateTimeField,
    amounts_initial,
    amounts_to_minor,
)
from core_apps.venues.models import FloorType, OpeningHours, Space, Venue, Weekday
from core_apps.venues.selectors import OpeningInterval, venue_manager_candidates
from core_apps.venues.services import SPACE_FIELDS, VENUE_FIELDS


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


# --- the back office: venues, spaces, opening hours ----------------------------


WEEKDAYS = Weekday.labels
TIME_INPUT = {"type": "time"}
TIME_FORMAT = "%H:%M"
SPACE_PRICES = {"hourly_rate": "hourly_rate_minor", "peak_hourly_rate": "peak_hourly_rate_minor"}


class ManagerChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.get_full_name() or obj.email} <{obj.email}>"


class VenueForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    address = forms.CharField(
        label=_("Address"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    time_zone = forms.ChoiceField(
        label=_("Time zone"),
        help_text=_("Opening hours and bookings are read in this zone."),
        choices=[(zone, zone) for zone in sorted(available_timezones())],
        initial="Europe/Berlin",
    )
    latitude = forms.DecimalField(
        label=_("Latitude"), required=False, max_digits=9, decimal_places=6
    )
    longitude = forms.DecimalField(
        label=_("Longitude"), required=False, max_digits=9, decimal_places=6
    )
    house_rules = forms.CharField(
        label=_("House rules"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    managers = ManagerChoiceField(
        label=_("Managers"),
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("They decide on this venue's booking requests."),
    )

    def __init__(self, *args: Any, with_managers: bool = True, **kwargs: Any) -> None:
        """``with_managers=False``: no managers field (only staff choose them)."""
        super().__init__(*args, **kwargs)
        if not with_managers:
            del self.fields["managers"]
            return
        # Asked per request: people gain and lose the venue-manager role.
        self.fields["managers"].queryset = venue_manager_candidates()  # type: ignore[attr-defined]

    def managers_chosen(self) -> list[User] | None:
        """The managers chosen, or None when the form has no managers field."""
        if "managers" not in self.fields:
            return None
        return list(self.cleaned_data["managers"])

    def venue_data(self) -> dict[str, Any]:
        """The venue's own fields, as ``venue_create``/``venue_update`` take them."""
        return {name: self.cleaned_data[name] for name in VENUE_FIELDS}

    @classmethod
    def initial_for(cls, venue: Venue) -> dict[str, Any]:
        return {
            **{name: getattr(venue, name) for name in VENUE_FIELDS},
            "managers": list(venue.managers.all()),
        }


class SpaceForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    size_m2 = forms.IntegerField(label=_("Size (m²)"), required=False, min_value=0)
    capacity = forms.IntegerField(label=_("Capacity"), required=False, min_value=0)
    floor_type = forms.ChoiceField(label=_("Floor"), choices=FloorType.choices)
    mirrors = forms.BooleanField(label=_("Mirrors"), required=False)
    sound_system = forms.BooleanField(label=_("Sound system"), required=False)
    air_conditioning = forms.BooleanField(label=_("Air conditioning"), required=False)
    step_free_access = forms.BooleanField(label=_("Step-free access"), required=False)
    currency = forms.CharField(label=_("Currency"), max_length=3, initial="EUR")
    hourly_rate = AmountField(
        label=_("Price per hour"), help_text=_("In the currency above, e.g. 30.00.")
    )
    peak_hourly_rate = AmountField(
        label=_("Peak price per hour"),
        required=False,
        help_text=_("Charged for the minutes inside the peak hours below; empty: no peak price."),
    )
    peak_starts = forms.TimeField(
        label=_("Peak from"),
        required=False,
        widget=forms.TimeInput(format=TIME_FORMAT, attrs=TIME_INPUT),
    )
    peak_ends = forms.TimeField(
        label=_("Peak until"),
        required=False,
        widget=forms.TimeInput(format=TIME_FORMAT, attrs=TIME_INPUT),
    )
    peak_weekdays = forms.TypedMultipleChoiceField(
        label=_("Peak days"),
        coerce=int,
        required=False,
        choices=Weekday.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    minimum_minutes = forms.IntegerField(label=_("Shortest booking (minutes)"), min_value=1)
    setup_minutes = forms.IntegerField(
        label=_("Setup time (minutes)"),
        min_value=0,
        initial=0,
        help_text=_("Blocked before each booking, not charged."),
    )
    teardown_minutes = forms.IntegerField(
        label=_("Teardown time (minutes)"),
        min_value=0,
        initial=0,
        help_text=_("Blocked after each booking, not charged."),
    )
    auto_approve = forms.BooleanField(label=_("Confirm requests automatically"), required=False)
    photo = forms.FileField(label=_("Photo"), required=False)

    def clean(self) -> dict[str, Any]:
        """The prices in minor units of the chosen currency."""
        super().clean()
        return amounts_to_minor(self, SPACE_PRICES, self.cleaned_data.get("currency"))

    def space_data(self) -> dict[str, Any]:
        """The space's fields, as ``space_create``/``space_update`` take them."""
        data = {name: self.cleaned_data[name] for name in SPACE_FIELDS}
        data["peak_weekdays"] = list(data["peak_weekdays"] or [])
        return data

    @classmethod
    def initial_for(cls, space: Space) -> dict[str, Any]:
        """A saved space as the form shows it: prices as decimals."""
        initial = {name: getattr(space, name) for name in SPACE_FIELDS}
        prices = {field: initial.pop(key) for field, key in SPACE_PRICES.items()}
        return {**initial, **amounts_initial(prices, space.currency)}


class OpeningHoursForm(forms.Form):
    """A week of opening hours: a few opening/closing times per weekday."""

    def __init__(self, *args: Any, slots: int = 3, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.slots = slots
        for day, name in enumerate(WEEKDAYS):
            for slot in range(slots):
                for side, label in (
                    ("opens", _("%(day)s: opens (%(n)s)")),
                    ("closes", _("%(day)s: closes (%(n)s)")),
                ):
                    text = label % {"day": name, "n": slot + 1}
                    self.fields[f"d{day}_{slot}_{side}"] = forms.TimeField(
                        label=text,
                        required=False,
                        widget=forms.TimeInput(
                            format=TIME_FORMAT, attrs={**TIME_INPUT, "aria-label": text}
                        ),
                    )

    def clean(self) -> dict[str, Any]:
        """``hours``: the filled rows as intervals; a row needs both of its times."""
        cleaned = super().clean() or {}
        hours = []
        for day in range(7):
            for slot in range(self.slots):
                opens = cleaned.get(f"d{day}_{slot}_opens")
                closes = cleaned.get(f"d{day}_{slot}_closes")
                if opens is None and closes is None:
                    continue
                if opens is None or closes is None:
                    missing = "opens" if opens is None else "closes"
                    if f"d{day}_{slot}_{missing}" not in self.errors:
                        self.add_error(
                            f"d{day}_{slot}_{missing}",
                            _("Give both the opening and the closing time."),
                        )
                    continue
                hours.append(OpeningInterval(weekday=day, opens=opens, closes=closes))
        cleaned["hours"] = hours
        return cleaned

    def weekdays(self) -> list[tuple[str, list[tuple[forms.BoundField, forms.BoundField]]]]:
        """Per weekday its name and its (opens, closes) field pairs, for the editor."""
        return [
            (
                str(name),
                [
                    (self[f"d{day}_{slot}_opens"], self[f"d{day}_{slot}_closes"])
                    for slot in range(self.slots)
                ],
            )
            for day, name in enumerate(WEEKDAYS)
        ]

    @staticmethod
    def initial_for(hours: list[OpeningHours]) -> tuple[dict[str, time], int]:
        """The saved intervals as initial values, and how many rows a day needs
        (one spare beyond the busiest day, at least three)."""
        per_day: dict[int, int] = {}
        initial: dict[str, time] = {}
        for item in sorted(hours, key=lambda h: (h.weekday, h.opens)):
            slot = per_day.get(item.weekday, 0)
            per_day[item.weekday] = slot + 1
            initial[f"d{item.weekday}_{slot}_opens"] = item.opens
            initial[f"d{item.weekday}_{slot}_closes"] = item.closes
        return initial, max(3, max(per_day.values(), default=0) + 1)
