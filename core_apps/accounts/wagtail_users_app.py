"""``wagtail.users`` with Pista's user viewset (``accounts.wagtail_users``), in a
module of its own: an app config is imported before models may be."""

from __future__ import annotations

from wagtail.users.apps import WagtailUsersAppConfig


class PistaUsersAppConfig(WagtailUsersAppConfig):
    """``wagtail.users`` (same label and tables) whose user editor cannot change
    an email address."""

    user_viewset = "core_apps.accounts.wagtail_users.PistaUserViewSet"
