"""Forms of the platform site."""

from __future__ import annotations

import time
import zoneinfo
from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core import signing
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from core_apps.privacy.selectors import policies_current
from tenants.provisioning.dance_styles import DANCE_STYLES
from themes.registry import THEME_CHOICES

FORM_TIMESTAMP_SALT = "pista.signup.rendered-at"
MIN_FILL_SECONDS = 3
CURRENCIES = [
    ("EUR", "EUR €"),
    ("GBP", "GBP £"),
    ("USD", "USD $"),
    ("CHF", "CHF"),
    ("SEK", "SEK"),
    ("NOK", "NOK"),
    ("DKK", "DKK"),
    ("PLN", "PLN"),
    ("CZK", "CZK"),
]


def time_zone_choices() -> list[tuple[str, str]]:
    return [(zone, zone) for zone in sorted(zoneinfo.available_timezones()) if "/" in zone]


class CommunitySignupForm(forms.Form):
    """ "Start your community". ``website`` is a honeypot that people never see;
    ``rendered_at`` is a signed timestamp: bots that post instantly are refused."""

    name = forms.CharField(label=_("Community name"), max_length=120)
    slug = forms.SlugField(
        label=_("Web address"),
        max_length=40,
        help_text=_("Your site will live at <slug>.%(host)s")
        % {"host": settings.PISTA_BASE_DOMAIN.split(":")[0]},
    )
    owner_email = forms.EmailField(label=_("Your email"))
    password = forms.CharField(label=_("Password"), widget=forms.PasswordInput, strip=False)
    dance_styles = forms.MultipleChoiceField(
        label=_("Dance styles"),
        choices=DANCE_STYLES,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES, initial="en")
    currency = forms.ChoiceField(label=_("Currency"), choices=CURRENCIES, initial="EUR")
    time_zone = forms.ChoiceField(label=_("Time zone"), initial="Europe/Berlin")
    website = forms.CharField(required=False, label=_("Leave this empty"))
    rendered_at = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["time_zone"].choices = time_zone_choices()
        self.fields["rendered_at"].initial = signing.dumps(time.time(), salt=FORM_TIMESTAMP_SALT)
        # The platform's own terms and privacy policy, once operators publish them.
        self.platform_policies = policies_current()
        if self.platform_policies:
            links = format_html_join(
                ", ",
                '<a href="{}">{}</a>',
                (
                    (reverse("platform-policy", args=[d.kind]), d.get_kind_display())
                    for d in self.platform_policies
                ),
            )
            self.fields["accept_terms"] = forms.BooleanField(
                label=_("I accept Pista's terms for communities"),
                help_text=format_html(_("Read them first: {}."), links),
            )

    def clean_slug(self) -> str:
        return str(self.cleaned_data["slug"]).strip().lower()

    def clean_password(self) -> str:
        password = str(self.cleaned_data["password"])
        validate_password(password)
        return password

    def is_probably_automated(self) -> bool:
        """True for a filled honeypot, a tampered or missing timestamp, or a form
        submitted faster than a person can fill it."""
        if self.data.get("website"):
            return True
        try:
            rendered_at = signing.loads(
                self.data.get("rendered_at", ""), salt=FORM_TIMESTAMP_SALT, max_age=6 * 3600
            )
        except signing.BadSignature:
            return True
        return time.time() - float(rendered_at) < MIN_FILL_SECONDS


class CommunityLookForm(forms.Form):
    """Onboarding: pick a theme and the main colours."""

    theme = forms.ChoiceField(label=_("Theme"), widget=forms.RadioSelect)
    primary_colour = forms.CharField(
        label=_("Primary colour"), max_length=64, widget=forms.TextInput(attrs={"type": "color"})
    )
    background_colour = forms.CharField(
        label=_("Background colour"), max_length=64, widget=forms.TextInput(attrs={"type": "color"})
    )
    text_colour = forms.CharField(
        label=_("Text colour"), max_length=64, widget=forms.TextInput(attrs={"type": "color"})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["theme"].choices = THEME_CHOICES
