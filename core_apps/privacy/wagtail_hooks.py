from __future__ import annotations

from django.http import HttpRequest
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from core_apps.privacy.admin_views import privacy_admin, privacy_staff


@hooks.register("register_admin_urls")
def register_privacy_urls() -> list:
    return [path("privacy/", privacy_admin, name="privacy_admin")]


class PrivacyMenuItem(MenuItem):
    def is_shown(self, request: HttpRequest) -> bool:
        return privacy_staff(request.user)


@hooks.register("register_settings_menu_item")
def register_privacy_menu_item() -> MenuItem:
    return PrivacyMenuItem(
        _("Records of processing"), reverse("privacy_admin"), icon_name="lock", order=900
    )
