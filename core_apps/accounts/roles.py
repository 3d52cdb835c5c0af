"""Roles inside a community, stored as auth groups with permissions.

Permissions are named ``app_label.codename``; apps that land later add theirs
here, and ``roles_sync`` (run at provisioning and after migrations) applies them.
"""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    OWNER = "owner"
    ADMIN = "admin"
    ORGANIZER = "organizer"
    TEACHER = "teacher"
    VENUE_MANAGER = "venue manager"
    MODERATOR = "moderator"
    MEMBER = "member"


WAGTAIL_EDITING = [
    "wagtailadmin.access_admin",
    "wagtailcore.add_page",
    "wagtailcore.change_page",
    "wagtailimages.add_image",
    "wagtailimages.change_image",
    "wagtaildocs.add_document",
    "wagtaildocs.change_document",
]
COMMUNITY_MANAGEMENT = [
    *WAGTAIL_EDITING,
    "wagtailcore.delete_page",
    "wagtailcore.publish_page",
    "wagtailimages.delete_image",
    "wagtaildocs.delete_document",
    "accounts.view_user",
    "accounts.change_user",
    "auth.view_group",
    # Branding and footer site settings (themes, cms).
    "themes.change_brandingsettings",
    "cms.change_footersettings",
]

ROLE_PERMISSIONS: dict[Role, list[str]] = {
    Role.OWNER: [
        *COMMUNITY_MANAGEMENT,
        "accounts.add_user",
        "accounts.delete_user",
        "auth.change_group",
    ],
    Role.ADMIN: [*COMMUNITY_MANAGEMENT, "accounts.add_user"],
    Role.ORGANIZER: [*WAGTAIL_EDITING],
    Role.TEACHER: [],
    Role.VENUE_MANAGER: [],
    Role.MODERATOR: ["wagtailadmin.access_admin", "accounts.view_user"],
    Role.MEMBER: [],
}
STAFF_ROLES = frozenset({Role.OWNER, Role.ADMIN, Role.ORGANIZER, Role.MODERATOR})
