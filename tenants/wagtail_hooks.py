"""The community's Wagtail admin: the theme picker (owners and admins)."""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from core_apps.accounts.models import User
from core_apps.accounts.roles import Role
from core_apps.accounts.services import user_roles
from tenants.provisioning.views import theme_choose


@hooks.register("register_admin_urls")
def register_theme_urls() -> list:
    return [path("theme/", theme_choose, name="themes_choose")]


class ThemeMenuItem(MenuItem):
    def is_shown(self, request: HttpRequest) -> bool:
        user = request.user
        return user.is_superuser or (
            isinstance(user, User) and bool(user_roles(user=user) & {Role.OWNER, Role.ADMIN})
        )


@hooks.register("register_settings_menu_item")
def register_theme_menu_item() -> MenuItem:
    return ThemeMenuItem(_("Theme"), reverse("themes_choose"), icon_name="desktop", order=100)
