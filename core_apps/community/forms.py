"""HTML forms. They parse input; the services validate the domain rules."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from core_apps.community.cities import city_coordinates
from core_apps.community.models import (
    AVAILABILITY_SLOTS,
    DANCE_STYLES,
    GOALS,
    LEVELS,
    PROFILE_FIELDS_DEFAULT_VISIBILITY,
    ModerationAction,
    Report,
    Visibility,
)

ROLE_CHOICES = [("", _("Complementary to mine")), ("lead", _("Lead")), ("follow", _("Follow"))]


class PartnerSearchForm(forms.Form):
    style = forms.ChoiceField(choices=DANCE_STYLES, label=_("Style"))
    role = forms.ChoiceField(choices=ROLE_CHOICES, required=False, label=_("Role"))
    level_min = forms.IntegerField(required=False, label=_("Lowest level"))
    level_max = forms.IntegerField(required=False, label=_("Highest level"))
    distance_km = forms.FloatField(required=False, label=_("Distance (km)"))
    languages = forms.CharField(
        required=False, help_text=_("Comma separated, e.g. en,es"), label=_("Languages")
    )


STYLE_ROWS = 4
PROFILE_ROLE_CHOICES = [("lead", _("Lead")), ("follow", _("Follow")), ("both", _("Both"))]
# What each per-field visibility choice is about, in the member's words.
VISIBILITY_LABELS = {
    "photo": _("Who sees your photo"),
    "pronouns": _("Who sees your pronouns"),
    "bio": _("Who sees your bio"),
    "home_area": _("Who sees your city"),
    "languages": _("Who sees your languages"),
    "styles": _("Who sees your styles and levels"),
    "goals": _("Who sees what you are looking for"),
    "availability": _("Who sees when you are free"),
    "height": _("Who sees your height"),
}
VISIBILITY_HELP = _(
    "Only me: nobody else. Members of this community: people signed in here. "
    "Everyone: anyone on the web."
)


class ProfileForm(forms.Form):
    """The dancer profile: styles, roles and levels picked from lists, a city
    instead of coordinates, and who sees each part explained in words."""

    display_name = forms.CharField(label=_("Display name"), max_length=200)
    pronouns = forms.CharField(label=_("Pronouns"), max_length=200, required=False)
    bio = forms.CharField(
        label=_("About you"), widget=forms.Textarea, required=False, max_length=20000
    )
    city = forms.CharField(
        label=_("City"),
        max_length=200,
        required=False,
        help_text=_("Pick a city from the list so the partner finder can measure distances."),
        widget=forms.TextInput(attrs={"list": "city-list", "autocomplete": "address-level2"}),
    )
    languages = forms.CharField(
        label=_("Languages you speak"),
        required=False,
        help_text=_("Comma separated, e.g. en,es"),
    )
    goals = forms.MultipleChoiceField(
        label=_("Looking for"),
        choices=[(g, g) for g in GOALS],
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    availability = forms.MultipleChoiceField(
        label=_("When you are free"),
        choices=[(s, s) for s in AVAILABILITY_SLOTS],
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    height_min_cm = forms.IntegerField(label=_("Partner height from (cm)"), required=False)
    height_max_cm = forms.IntegerField(label=_("Partner height to (cm)"), required=False)
    visibility = forms.ChoiceField(
        label=_("Who sees your profile"), choices=Visibility.choices, help_text=VISIBILITY_HELP
    )
    allow_open_messages = forms.BooleanField(
        label=_("Members I haven't talked to may write to me"), required=False
    )
    read_receipts = forms.BooleanField(label=_("Show when I have read a message"), required=False)
    show_in_going_lists = forms.BooleanField(
        label=_("Show me in the list of who is going to an event"), required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for index in range(1, STYLE_ROWS + 1):
            self.fields[f"style_{index}"] = forms.ChoiceField(
                label=_("Dance style %(n)s") % {"n": index},
                choices=[("", _("(none)")), *DANCE_STYLES],
                required=False,
            )
            self.fields[f"role_{index}"] = forms.ChoiceField(
                label=_("Role in style %(n)s") % {"n": index},
                choices=PROFILE_ROLE_CHOICES,
                required=False,
            )
            self.fields[f"level_{index}"] = forms.TypedChoiceField(
                label=_("Level in style %(n)s") % {"n": index},
                choices=LEVELS,
                coerce=int,
                required=False,
            )
        for field in PROFILE_FIELDS_DEFAULT_VISIBILITY:
            self.fields[f"vis_{field}"] = forms.ChoiceField(
                choices=Visibility.choices,
                label=VISIBILITY_LABELS.get(field, field),
            )

    @property
    def style_rows(self) -> list[tuple[forms.BoundField, forms.BoundField, forms.BoundField]]:
        return [
            (self[f"style_{i}"], self[f"role_{i}"], self[f"level_{i}"])
            for i in range(1, STYLE_ROWS + 1)
        ]

    @property
    def visibility_fields(self) -> list[forms.BoundField]:
        return [self[f"vis_{field}"] for field in PROFILE_FIELDS_DEFAULT_VISIBILITY]

    @staticmethod
    def styles_initial(skills: list[tuple[str, str, int]]) -> dict[str, object]:
        initial: dict[str, object] = {}
        for index, (style, role, level) in enumerate(skills[:STYLE_ROWS], start=1):
            initial.update(
                {f"style_{index}": style, f"role_{index}": role, f"level_{index}": level}
            )
        return initial

    def changes(self) -> dict[str, object]:
        data = dict(self.cleaned_data)
        changes: dict[str, object] = {
            key: data[key]
            for key in (
                "display_name", "pronouns", "bio", "city", "goals",
                "availability", "height_min_cm", "height_max_cm", "visibility",
                "allow_open_messages", "read_receipts", "show_in_going_lists",
            )
        }  # fmt: skip
        # Coordinates come from the city list; another city has none.
        coordinates = city_coordinates(data["city"] or "")
        changes["latitude"], changes["longitude"] = coordinates or (None, None)
        changes["languages"] = [c.strip() for c in data["languages"].split(",") if c.strip()]
        changes["styles"] = [
            {
                "style": data[f"style_{i}"],
                "role": data[f"role_{i}"] or "both",
                "level": data[f"level_{i}"] or 1,
            }
            for i in range(1, STYLE_ROWS + 1)
            if data.get(f"style_{i}")
        ]
        changes["field_visibility"] = {
            field: data[f"vis_{field}"] for field in PROFILE_FIELDS_DEFAULT_VISIBILITY
        }
        return changes


class PhotoForm(forms.Form):
    photo = forms.FileField(label=_("Photo"))


class PartnerRequestForm(forms.Form):
    message = forms.CharField(
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        label=_("Message"),
    )
    event_title = forms.CharField(max_length=200, required=False, label=_("Event or course"))


class MessageForm(forms.Form):
    body = forms.CharField(
        max_length=20000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        label=_("Message"),
    )
    image = forms.FileField(required=False, label=_("Image"))


class ReportForm(forms.Form):
    """What a member knows: why, and what happened. What is reported (a
    profile, a message) comes from where the report button is, hidden."""

    kind = forms.ChoiceField(choices=Report.Kind.choices, widget=forms.HiddenInput)
    object_id = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.ChoiceField(
        label=_("Why are you reporting this?"),
        choices=[("", _("Choose a reason")), *Report.Reason.choices],
        required=False,
    )
    details = forms.CharField(
        label=_("What happened? (optional)"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ModerationActionForm(forms.Form):
    kind = forms.ChoiceField(choices=ModerationAction.Kind.choices, label=_("Action"))
    note = forms.CharField(max_length=2000, required=False, label=_("Note"))


class PartnerPostForm(forms.Form):
    event_title = forms.CharField(label=_("Event or course"), max_length=200)
    role_wanted = forms.ChoiceField(label=_("Looking for a"), choices=PROFILE_ROLE_CHOICES)
    style = forms.ChoiceField(
        label=_("Style"), choices=[("", _("Any style")), *DANCE_STYLES], required=False
    )
    note = forms.CharField(label=_("A few words (optional)"), max_length=500, required=False)


class GroupPostForm(forms.Form):
    body = forms.CharField(
        label=_("Write to the group"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )
