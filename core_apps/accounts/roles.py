"""Roles inside a community, stored as auth groups with permissions.

Permissions are named ``app_label.codename``; apps that land later add theirs
here, and ``roles_sync`` (run at provisioning and after migrations) applies them.
"""

from __future__ import annotations

import hashlib
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
    # "Translate this page" (wagtail.contrib.simple_translation).
    "simple_translation.submit_translation",
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

EVENT_MANAGEMENT = [
    f"{app}.{action}_{model}"
    for app, models in [
        ("events", ["event", "eventdate", "dancestyle", "level"]),
        ("ticketing", ["product", "quota", "pricetier", "attendeequestion", "salequeue"]),
        (
            "orders",
            [
                "order",
                "position",
                "promocode",
                "waitlistentry",
                "checkin",
                "checkinlist",
                "invoice",
            ],
        ),
    ]
    for model in models
    for action in ["add", "change", "delete", "view"]
]

# Artists and venues: staff manage profiles and venues; organizers book artists
# and rooms; teachers rent rooms too. Who may act on one booking is decided in
# the services (its two sides, the venue's managers).
BOOKING_STAFF = [
    "artists.add_artistprofile",
    "artists.change_artistprofile",
    "artists.view_artistbooking",
    "venues.add_venue",
    "venues.change_venue",
    "venues.add_space",
    "venues.change_space",
    "venues.delete_space",
    "venues.add_openinghours",
    "venues.change_openinghours",
    "venues.delete_openinghours",
    "venues.add_blackoutdate",
    "venues.change_blackoutdate",
    "venues.delete_blackoutdate",
]
BOOKING_REQUESTS = ["artists.add_artistbooking", "venues.add_spacebooking"]

ROLE_PERMISSIONS: dict[Role, list[str]] = {
    Role.OWNER: [
        *COMMUNITY_MANAGEMENT,
        *EVENT_MANAGEMENT,
        "accounts.add_user",
        "accounts.delete_user",
        "auth.change_group",
        # The community's audit log (read-only, /cms/audit-log/).
        "privacy.view_auditentry",
        *BOOKING_STAFF,
        *BOOKING_REQUESTS,
    ],
    Role.ADMIN: [
        *COMMUNITY_MANAGEMENT,
        *EVENT_MANAGEMENT,
        "accounts.add_user",
        *BOOKING_STAFF,
        *BOOKING_REQUESTS,
    ],
    Role.ORGANIZER: [*WAGTAIL_EDITING, *EVENT_MANAGEMENT, *BOOKING_REQUESTS],
    Role.TEACHER: ["venues.add_spacebooking"],
    # A venue manager decides on the bookings of the venues listing them as
    # managers (``Venue.managers``); no global permission needed.
    Role.VENUE_MANAGER: [],
    Role.MODERATOR: ["wagtailadmin.access_admin", "accounts.view_user"],
    Role.MEMBER: [],
}
# Wagtail tree permissions of the editing roles, on the root page and collection.
ROLE_PAGE_ACTIONS: dict[Role, list[str]] = {
    Role.OWNER: ["add_page", "change_page", "publish_page", "delete_page", "lock_page"],
    Role.ADMIN: ["add_page", "change_page", "publish_page", "delete_page", "lock_page"],
    Role.ORGANIZER: ["add_page", "change_page"],
}
EDITOR_MEDIA_PERMISSIONS = [
    "add_image",
    "change_image",
    "choose_image",
    "add_document",
    "change_document",
    "choose_document",
]


def roles_fingerprint() -> str:
    """A fingerprint of every role's permissions as this code defines them:
    ``migrate_all`` re-syncs a schema's role groups only when it changed."""
    layout = [
        (role.value, sorted(ROLE_PERMISSIONS.get(role, [])), ROLE_PAGE_ACTIONS.get(role, []))
        for role in Role
    ]
    return hashlib.sha256(repr((layout, EDITOR_MEDIA_PERMISSIONS)).encode()).hexdigest()


STAFF_ROLES = frozenset({Role.OWNER, Role.ADMIN, Role.ORGANIZER, Role.MODERATOR})

# The only permissions that open no staff page or staff API: a teacher's or an
# organizer's *request* to book a room or an artist, decided by the other side.
# Holding any other permission (``wagtailadmin.access_admin``, the event,
# ticketing, order, booking and community management permissions…), from
# whatever group, makes a user staff for the two-factor rule
# (``core_apps.accounts.security.mfa_required_for``): a new permission is a
# staff one until it is listed here.
MEMBER_PERMISSIONS = frozenset(BOOKING_REQUESTS)
