"""HTML forms of events. They parse input; the services hold the rules."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core_apps.events.models import DanceStyle, Event, Level


def form_errors_apply(form: forms.BaseForm, exc: ValidationError) -> None:
    """Show a service's ValidationError next to the form's fields."""
    for field, messages in exc.message_dict.items():
        form.add_error(field if field in form.fields else None, messages)


class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self) -> None:
        super().__init__(format="%Y-%m-%dT%H:%M")


def _in_zone(value: datetime | None, zone: ZoneInfo) -> datetime | None:
    """The form read a wall-clock time as UTC; read it in ``zone`` instead."""
    if value is None:
        return None
    return timezone.make_naive(value, ZoneInfo("UTC")).replace(tzinfo=zone)


class EventFilterForm(forms.Form):
    style = forms.ModelChoiceField(
        DanceStyle.objects.all(),
        required=False,
        to_field_name="slug",
        empty_label=_("All styles"),
        label=_("Style"),
    )
    level = forms.ModelChoiceField(
        Level.objects.all(),
        required=False,
        to_field_name="slug",
        empty_label=_("All levels"),
        label=_("Level"),
    )
    kind = forms.ChoiceField(
        choices=[("", _("All kinds")), *Event.Kind.choices], required=False, label=_("Kind")
    )
    date_from = forms.DateField(
        required=False, label=_("From"), widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        required=False, label=_("To"), widget=forms.DateInput(attrs={"type": "date"})
    )
    teacher = forms.CharField(required=False, max_length=100, label=_("Teacher"))
    venue = forms.CharField(required=False, max_length=100, label=_("Venue"))


WEEKDAYS = [
    ("MO", _("Monday")),
    ("TU", _("Tuesday")),
    ("WE", _("Wednesday")),
    ("TH", _("Thursday")),
    ("FR", _("Friday")),
    ("SA", _("Saturday")),
    ("SU", _("Sunday")),
]


class EventForm(forms.Form):
    title = forms.CharField(max_length=200, label=_("Title"))
    description = forms.CharField(widget=forms.Textarea, required=False, label=_("Description"))
    kind = forms.ChoiceField(choices=Event.Kind.choices, label=_("Kind"))
    status = forms.ChoiceField(
        choices=Event.Status.choices, initial=Event.Status.DRAFT, label=_("Status")
    )
    visibility = forms.ChoiceField(choices=Event.Visibility.choices, label=_("Visibility"))
    styles = forms.ModelMultipleChoiceField(
        DanceStyle.objects.all(), required=False, label=_("Styles")
    )
    level = forms.ModelChoiceField(Level.objects.all(), required=False, label=_("Level"))
    image_upload = forms.FileField(
        required=False,
        label=_("Image"),
        help_text=_("Shown on the event page and in listings: a JPEG, PNG or WebP picture."),
        widget=forms.FileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
    )
    image_remove = forms.BooleanField(required=False, label=_("Remove the current image"))
    venue_name = forms.CharField(max_length=200, required=False, label=_("Venue"))
    space_name = forms.CharField(max_length=200, required=False, label=_("Space"))
    teacher_names = forms.CharField(max_length=300, required=False, label=_("Teachers"))
    time_zone = forms.CharField(max_length=64, label=_("Time zone"))
    starts_at = forms.DateTimeField(widget=DateTimeLocalInput(), label=_("Starts"))
    ends_at = forms.DateTimeField(widget=DateTimeLocalInput(), label=_("Ends"))
    recurrence = forms.CharField(
        max_length=500,
        required=False,
        help_text=_("RFC 5545 rule, e.g. FREQ=WEEKLY;COUNT=8 (empty for one date)."),
        label=_("Recurrence"),
    )

    # The recurrence builder: writes ``recurrence`` (an RRULE) in ``clean``.
    repeat_days = forms.MultipleChoiceField(
        label=_("Repeat weekly on"),
        choices=WEEKDAYS,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    repeat_interval = forms.IntegerField(
        label=_("Every … weeks"), min_value=1, max_value=52, required=False, initial=1
    )
    repeat_until = forms.DateField(
        label=_("Until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    repeat_count = forms.IntegerField(
        label=_("Or this many times"), min_value=1, max_value=500, required=False
    )
    repeat_except = forms.CharField(
        label=_("Except on"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Dates without a class, e.g. 2026-12-24, one per line or separated by commas."),
    )

    def __init__(self, *args: Any, languages: Sequence[str] = (), **kwargs: Any) -> None:
        """``languages``: the community's further languages, each with its own
        description field (``description_<code>``) after the default one."""
        super().__init__(*args, **kwargs)
        self.translated_languages = list(languages)
        names = dict(settings.LANGUAGES)
        fields = list(self.fields.items())
        position = [name for name, _field in fields].index("description") + 1
        extra = [
            (
                f"description_{code}",
                forms.CharField(
                    widget=forms.Textarea,
                    required=False,
                    label=_("Description (%(language)s)") % {"language": names.get(code, code)},
                ),
            )
            for code in self.translated_languages
        ]
        self.fields = dict(fields[:position] + extra + fields[position:])

    def service_data(self) -> dict[str, Any]:
        """The cleaned data as the events services take it: the translated
        descriptions gathered in ``description_translations``."""
        data = dict(self.cleaned_data)
        data.pop("image_upload", None)
        if data.pop("image_remove", False):
            data["image"] = None
        data["description_translations"] = {
            code: data.pop(f"description_{code}", "") for code in self.translated_languages
        }
        return data

    def clean(self) -> dict:
        data = super().clean() or {}
        try:
            zone = ZoneInfo(data.get("time_zone") or "")
        except (ZoneInfoNotFoundError, ValueError):
            self.add_error("time_zone", gettext("Unknown time zone."))
            return data
        for field in ("starts_at", "ends_at"):
            if data.get(field):
                data[field] = _in_zone(data[field], zone)
        self._recurrence_build(data)
        return data

    def _recurrence_build(self, data: dict) -> None:
        """Turn the builder's fields into an RRULE in ``data["recurrence"]``
        and the exception dates into ``data["repeat_except"]`` (a list)."""
        days = data.pop("repeat_days", None) or []
        interval = data.pop("repeat_interval", None) or 1
        until: date | None = data.pop("repeat_until", None)
        count = data.pop("repeat_count", None)
        data["repeat_except"] = self._exceptions_parse(data.get("repeat_except") or "")
        if not days:
            if until or count:
                self.add_error("repeat_days", _("Choose the weekdays it repeats on."))
            return
        if (data.get("recurrence") or "").strip():
            self.add_error(
                "recurrence", _("Use either the weekly repetition or a rule typed here, not both.")
            )
            return
        if bool(until) == bool(count):
            self.add_error(
                "repeat_until", _("Say until when it repeats, or how many times — one of the two.")
            )
            return
        starts = data.get("starts_at")
        if until and starts and until < starts.date():
            self.add_error("repeat_until", _("The repetition must end after the first date."))
            return
        order = [code for code, _label in WEEKDAYS]
        parts = [
            "FREQ=WEEKLY",
            f"INTERVAL={interval}",
            "BYDAY=" + ",".join(sorted(days, key=order.index)),
            f"UNTIL={until:%Y%m%d}" if until else f"COUNT={count}",
        ]
        data["recurrence"] = ";".join(parts)

    def _exceptions_parse(self, raw: str) -> list[date]:
        found: list[date] = []
        for chunk in raw.replace(",", "\n").split():
            try:
                found.append(date.fromisoformat(chunk.strip()))
            except ValueError:
                self.add_error(
                    "repeat_except",
                    _("%(value)s is not a date (write it as 2026-12-24).") % {"value": chunk},
                )
        return found

    @classmethod
    def initial_for(cls, event: Event) -> dict:
        zone = ZoneInfo(event.time_zone)
        initial = {
            field: getattr(event, field)
            for field in cls.base_fields
            if not field.startswith(("repeat_", "image_"))
        }
        initial["styles"] = list(event.styles.all())
        initial["starts_at"] = event.starts_at.astimezone(zone).replace(tzinfo=None)
        initial["ends_at"] = event.ends_at.astimezone(zone).replace(tzinfo=None)
        for code, html in (event.description_translations or {}).items():
            initial[f"description_{code}"] = html
        return initial
