"""The Wagtail image library's upload form: every image is checked by content
and stored without its metadata (see ``pista.images``)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext
from wagtail.images.forms import BaseImageForm

from pista.images import InvalidImage, image_sanitise


class SanitisedImageForm(BaseImageForm):
    def clean_file(self) -> Any:
        upload = self.cleaned_data.get("file")
        if not isinstance(upload, UploadedFile):
            return upload
        stem = upload.name.rsplit("/", 1)[-1].rsplit(".", 1)[0][:80] or "image"
        try:
            clean = image_sanitise(
                upload=upload,
                label=gettext("image"),
                max_bytes=settings.WAGTAILIMAGES_MAX_UPLOAD_SIZE,
                max_side=8000,
                name_stem=stem,
            )
        except InvalidImage as exc:
            raise forms.ValidationError(exc.message, code=exc.code) from exc
        return clean
