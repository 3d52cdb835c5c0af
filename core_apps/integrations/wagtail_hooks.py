"""The Wagtail admin's settings menu links the integrations page (owners and admins)."""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from core_apps.integrations.apikeys import api_keys_manage_check
from pista.errors import PermissionDenied


class IntegrationsMenuItem(MenuItem):
    def is_shown(self, request: HttpRequest) -> bool:
        try:
            api_keys_manage_check(actor=request.user)
        except PermissionDenied:
            return False
        return True


@hooks.register("register_settings_menu_item")
def register_integrations_menu_item() -> MenuItem:
    return IntegrationsMenuItem(
        _("Integrations"), reverse("integrations-page"), icon_name="link", order=150
    )
