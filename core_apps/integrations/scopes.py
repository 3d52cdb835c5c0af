"""API key scopes, and which scope each API endpoint needs.

A scope is ``<area>:read`` or ``<area>:write`` (``bookings`` is one scope for
both). The area of an endpoint comes from its URL name (``api:<name>``) in
:data:`ENDPOINT_AREAS`; reads (GET, HEAD, OPTIONS) need ``<area>:read``,
everything else ``<area>:write``. An endpoint missing from the table, or one
an area has no scope for (``members`` is read-only), refuses API keys: new
endpoints are closed to keys until they are classified here (a test checks
every route of the URLconf is).
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

SCOPES: dict[str, Any] = {
    "events:read": _("Read events, products, quotas, artists and venues"),
    "events:write": _("Create and change events, products and quotas"),
    "orders:read": _("Read orders, attendees and waiting lists"),
    "orders:write": _("Create, pay, cancel and refund orders; check attendees in"),
    "members:read": _("Read member data as the key's creator sees it"),
    "bookings": _("Request, read and answer artist and venue bookings"),
}

# Endpoints every key may call (the API's description, unknown routes).
OPEN_TO_KEYS = frozenset({"schema", "docs", "not-found"})

_AREA_NAMES: dict[str, tuple[str, ...]] = {
    "events": (
        "community",
        "events",
        "event",
        "products",
        "product",
        "quotas",
        "quota",
        "artists",
        "artist",
        "artist-availability",
        "artist-invite",
        "venues",
        "venue",
        "venue-blackouts",
        "space-availability",
    ),
    "orders": (
        "checkout",
        "orders",
        "positions",
        "invoices",
        "waitlist-entries",
        "promo-codes",
        "order",
        "order-pay",
        "order-cancel",
        "order-cancel-terms",
        "order-mark-paid",
        "order-refund",
        "order-stripe-confirm",
        "partner-claim",
        "position-transfer",
        "checkin",
        "product-attendees",
        "waitlist-join",
        "waitlist-claim",
        "waitlist-decline",
    ),
    "bookings": ("space-quote", "space-booking-series-approve"),
    "members": (
        "members-me",
        "members-me-photo",
        "members-detail",
        "partner-search",
        "partner-requests",
        "partner-posts",
        "partner-requests-respond",
        "partner-requests-withdraw",
        "conversations",
        "conversation-messages",
        "blocks",
        "blocks-detail",
        "reports",
        "code-of-conduct",
        "code-of-conduct-accept",
        "notifications",
        "notifications-read",
        "notifications-settings",
        "follows",
        "follows-detail",
        "groups",
        "groups-detail",
        "groups-members-export",
        "groups-join",
        "groups-approve",
        "groups-posts",
    ),
}
# Booking flows name their routes <prefix>, <one> and <one>-<action>.
_AREA_PREFIXES: tuple[tuple[str, str], ...] = (
    # Check-in lists and their scans (scanner apps): the orders area.
    ("checkin-list", "orders"),
    ("checkin-undo", "orders"),
    ("artist-booking", "bookings"),
    ("space-booking", "bookings"),
)
# Routes no API key may use, whatever its scopes: the community's domains and
# moderation are for signed-in staff (two factors), not programs.
CLOSED_TO_KEYS_PREFIXES = ("domain", "moderation-", "stripe-webhook", "api-keys", "webhook")

ENDPOINT_AREAS: dict[str, str] = {
    name: area for area, names in _AREA_NAMES.items() for name in names
}


def endpoint_area(url_name: str) -> str | None:
    """The area of the API route named ``url_name``, or None (closed to keys)."""
    if url_name in ENDPOINT_AREAS:
        return ENDPOINT_AREAS[url_name]
    for prefix, area in _AREA_PREFIXES:
        if url_name.startswith(prefix):
            return area
    return None


def endpoint_is_classified(url_name: str) -> bool:
    return (
        url_name in OPEN_TO_KEYS
        or endpoint_area(url_name) is not None
        or url_name.startswith(CLOSED_TO_KEYS_PREFIXES)
    )


def scope_required(*, url_name: str, method: str) -> str | None:
    """The scope a key needs to call ``method`` on the route ``url_name``:
    ``""`` when any key may, None when no key may."""
    if url_name in OPEN_TO_KEYS:
        return ""
    area = endpoint_area(url_name)
    if area is None:
        return None
    if area == "bookings":
        return "bookings"
    scope = f"{area}:{'read' if method.upper() in READ_METHODS else 'write'}"
    return scope if scope in SCOPES else None


def scopes_clean(raw: list[str] | str) -> list[str]:
    """Known scopes from a list or a comma-separated string, sorted and
    deduplicated. Raises ValueError naming the unknown ones."""
    items = raw.split(",") if isinstance(raw, str) else list(raw)
    cleaned = {item.strip() for item in items if item.strip()}
    unknown = sorted(cleaned - SCOPES.keys())
    if unknown:
        raise ValueError(", ".join(unknown))
    if not cleaned:
        raise ValueError("")
    return sorted(cleaned)
