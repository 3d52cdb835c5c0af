"""HTML forms. They parse input; the services validate the domain rules."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from core_apps.community.models import (
    AVAILABILITY_SLOTS,
    DANCE_STYLES,
    GOALS,
    PROFILE_FIELDS_DEFAULT_VISIBILITY,
    ModerationAction,
    Report,
    Visibility,
)

ROLE_CHOICES = [("", _("Complementary to mine")), ("lead", _("Lead")), ("follow", _("Follow"))]


class PartnerSearchForm(forms.Form):
    style = forms.ChoiceField(choices=DANCE_STYLES)
    role = forms.ChoiceField(choices=ROLE_CHOICES, required=False)
    level_min = forms.IntegerField(required=False)
    level_max = forms.IntegerField(required=False)
    distance_km = forms.FloatField(required=False)
    languages = forms.CharField(required=False, help_text=_("Comma separated, e.g. en,es"))


class ProfileForm(forms.Form):
    display_name = forms.CharField(max_length=200)
    pronouns = forms.CharField(max_length=200, required=False)
    bio = forms.CharField(widget=forms.Textarea, required=False, max_length=20000)
    city = forms.CharField(max_length=200, required=False)
    latitude = forms.FloatField(required=False)
    longitude = forms.FloatField(required=False)
    languages = forms.CharField(required=False, help_text=_("Comma separated, e.g. en,es"))
    styles = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One per line: style role level, e.g. 'tango follow 2'"),
    )
    goals = forms.MultipleChoiceField(
        choices=[(g, g) for g in GOALS], required=False, widget=forms.CheckboxSelectMultiple
    )
    availability = forms.MultipleChoiceField(
        choices=[(s, s) for s in AVAILABILITY_SLOTS],
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    height_min_cm = forms.IntegerField(required=False)
    height_max_cm = forms.IntegerField(required=False)
    visibility = forms.ChoiceField(choices=Visibility.choices)
    allow_open_messages = forms.BooleanField(required=False)
    read_receipts = forms.BooleanField(required=False)
    show_in_going_lists = forms.BooleanField(required=False)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        for field in PROFILE_FIELDS_DEFAULT_VISIBILITY:
            self.fields[f"vis_{field}"] = forms.ChoiceField(
                choices=Visibility.choices, label=_("Who sees %(field)s") % {"field": field}
            )

    def changes(self) -> dict[str, object]:
        data = dict(self.cleaned_data)
        changes: dict[str, object] = {
            key: data[key]
            for key in (
                "display_name", "pronouns", "bio", "city", "latitude", "longitude", "goals",
                "availability", "height_min_cm", "height_max_cm", "visibility",
                "allow_open_messages", "read_receipts", "show_in_going_lists",
            )
        }  # fmt: skip
        changes["languages"] = [c.strip() for c in data["languages"].split(",") if c.strip()]
        styles = []
        for line in data["styles"].splitlines():
            parts = line.split()
            if len(parts) == 3:
                styles.append({"style": parts[0], "role": parts[1], "level": parts[2]})
            elif parts:
                styles.append({"style": "", "role": "", "level": 0})  # service explains
        changes["styles"] = styles
        changes["field_visibility"] = {
            field: data[f"vis_{field}"] for field in PROFILE_FIELDS_DEFAULT_VISIBILITY
        }
        return changes


class PhotoForm(forms.Form):
    photo = forms.FileField()


class PartnerRequestForm(forms.Form):
    message = forms.CharField(
        max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    event_title = forms.CharField(max_length=200, required=False)


class MessageForm(forms.Form):
    body = forms.CharField(
        max_length=20000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    image = forms.FileField(required=False)


class ReportForm(forms.Form):
    kind = forms.ChoiceField(choices=Report.Kind.choices)
    object_id = forms.IntegerField()
    reason = forms.ChoiceField(choices=[("", "---"), *Report.Reason.choices], required=False)
    details = forms.CharField(
        max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class ModerationActionForm(forms.Form):
    kind = forms.ChoiceField(choices=ModerationAction.Kind.choices)
    note = forms.CharField(max_length=2000, required=False)
