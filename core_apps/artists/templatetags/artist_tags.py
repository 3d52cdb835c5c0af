"""``{{ artist.bio|bio_html }}``: bios may be edited in the CMS too, so they are
sanitised again when shown, not only when saved through the service."""

from __future__ import annotations

from django import template
from django.utils.safestring import SafeString, mark_safe

from core_apps.artists.services import bio_sanitise

register = template.Library()


@register.filter
def bio_html(value: str) -> SafeString:
    return mark_safe(bio_sanitise(value))  # noqa: S308 - nh3 output is safe HTML
