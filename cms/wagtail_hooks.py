"""Wagtail admin customisation for every community."""

from __future__ import annotations

from django.templatetags.static import static
from django.utils.html import format_html
from wagtail import hooks


@hooks.register("insert_global_admin_js")
def admin_widget_starter() -> str:
    """Starts the admin widgets whose inline scripts Pista's CSP forbids."""
    return format_html('<script src="{}" defer></script>', static("cms/admin-init.js"))
