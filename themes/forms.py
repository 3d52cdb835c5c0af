"""The Wagtail admin form of the branding settings: it runs the services' checks."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm

from themes.registry import THEME_BY_NAME, THEME_CHOICES
from themes.selectors import theme_current
from themes.services import (
    COLOUR_FIELDS,
    InvalidBranding,
    branding_colours_validate,
    branding_files_forget,
    branding_image_sanitise,
)

IMAGE_FIELDS = ("logo", "favicon", "social_image")


class BrandingSettingsForm(WagtailAdminModelForm):
    """Colours are normalised and contrast-checked against the community's
    theme; new images are checked by content and stripped of metadata; replaced
    images are deleted."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._stored_names = {field: getattr(self.instance, field).name for field in IMAGE_FIELDS}

    def save(self, commit: bool = True) -> Any:
        instance = super().save(commit=commit)
        branding_files_forget(
            names=[
                name
                for field, name in self._stored_names.items()
                if name and getattr(instance, field).name != name
            ]
        )
        return instance

    def _image(self, field: str) -> Any:
        value = self.cleaned_data.get(field)
        if isinstance(value, UploadedFile):
            try:
                return branding_image_sanitise(upload=value, field=field)
            except InvalidBranding as exc:
                raise forms.ValidationError(exc.message, code=exc.code) from exc
        return value

    def clean_logo(self) -> Any:
        return self._image("logo")

    def clean_favicon(self) -> Any:
        return self._image("favicon")

    def clean_social_image(self) -> Any:
        return self._image("social_image")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if any(field in self.errors for field in COLOUR_FIELDS):
            return cleaned
        try:
            colours = branding_colours_validate(
                theme=THEME_BY_NAME[theme_current().name],
                colours={field: cleaned.get(field, "") for field in COLOUR_FIELDS},
            )
        except InvalidBranding as exc:
            self.add_error(
                exc.extra.get("field"), forms.ValidationError(exc.message, code=exc.code)
            )
            return cleaned
        cleaned.update(colours)
        return cleaned


class ThemeChooseForm(forms.Form):
    theme = forms.ChoiceField(choices=THEME_CHOICES, widget=forms.RadioSelect, label=_("Theme"))
