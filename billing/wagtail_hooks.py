"""The owner's plan page in the community's Wagtail admin settings menu."""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from billing.views import OWNER_GROUP


class PlanMenuItem(MenuItem):
    def is_shown(self, request: HttpRequest) -> bool:
        user = request.user
        return bool(user.is_authenticated and user.groups.filter(name=OWNER_GROUP).exists())


@hooks.register("register_settings_menu_item")
def register_plan_menu_item() -> MenuItem:
    return PlanMenuItem(_("Plan and billing"), reverse("billing-plan"), icon_name="tag", order=110)
