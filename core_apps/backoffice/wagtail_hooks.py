"""A way from the CMS to the back office, where events, tickets and orders are edited."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem


class BackOfficeMenuItem(MenuItem):
    def is_shown(self, request: HttpRequest) -> bool:
        return request.user.has_perm("orders.view_order")


@hooks.register("register_admin_menu_item")
def back_office_menu_item() -> MenuItem:
    return BackOfficeMenuItem(_("Back office"), "/manage/", icon_name="cogs", order=240)
