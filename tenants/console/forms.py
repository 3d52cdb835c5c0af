"""Forms of the operator console."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from billing.models import Plan
from billing.services.subscriptions import TRIAL_EXTENSION_MAX_DAYS
from tenants.models import Community


class CommunityFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("Any status")), *Community.Status.choices],
    )
    created = forms.ChoiceField(
        label=_("Created"),
        required=False,
        choices=[
            ("", _("Any time")),
            ("7d", _("Last 7 days")),
            ("30d", _("Last 30 days")),
            ("365d", _("Last year")),
        ],
    )
    activity = forms.ChoiceField(
        label=_("Last activity"),
        required=False,
        choices=[
            ("", _("Any")),
            ("7d", _("Active in the last 7 days")),
            ("30d", _("Active in the last 30 days")),
            ("idle30", _("Idle for over 30 days")),
            ("never", _("No activity recorded")),
        ],
    )
    plan = forms.ChoiceField(label=_("Plan"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["plan"]).choices = [
            ("", _("Any plan")),
            *Plan.objects.order_by("position", "price_minor").values_list("slug", "name"),
        ]


class OperatorActionForm(forms.Form):
    """An operator action: a reason for the audit log and an explicit confirmation."""

    reason = forms.CharField(
        label=_("Reason"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Kept in the platform's audit log."),
    )
    confirm = forms.BooleanField(label=_("I confirm this action"), required=True)


class TrialExtendForm(OperatorActionForm):
    days = forms.IntegerField(
        label=_("Days to add"), min_value=1, max_value=TRIAL_EXTENSION_MAX_DAYS, initial=14
    )


class DeletionActionForm(OperatorActionForm):
    slug = forms.CharField(label=_("Type the community's address name to confirm"), max_length=40)

    def __init__(self, *args: Any, community: Community, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.community = community

    def clean_slug(self) -> str:
        slug = self.cleaned_data["slug"].strip().lower()
        if slug != self.community.slug:
            raise forms.ValidationError(_("That is not this community's address name."))
        return slug


class CommunityCreateForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    slug = forms.SlugField(label=_("Address name"), max_length=40)
    owner_email = forms.EmailField(label=_("Owner's email address"))
    language = forms.CharField(label=_("Language"), max_length=8, initial="en")
    currency = forms.CharField(label=_("Currency"), max_length=3, initial="EUR")
    time_zone = forms.CharField(label=_("Time zone"), max_length=64, initial="Europe/Berlin")
