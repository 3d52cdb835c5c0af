"""Who may enter the back office: staff by permission, never by role name; and
a venue's managers (``Venue.managers``), to their own venues' pages only.

The second factor is already required of every user holding a staff
permission by ``core_apps.accounts.middleware.StaffMFAMiddleware``. A venue
manager holds no permission (their right comes from being listed on the venue,
as for deciding its bookings), so the middleware asks them for none: the rule
stays "by permission", the same on these pages as on the booking inbox and the
venues API they already use."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, Concatenate, ParamSpec, TypeVar

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest
from django.http.response import HttpResponseBase

from core_apps.accounts.models import User
from core_apps.accounts.request import authed_user
from core_apps.venues.models import Venue
from core_apps.venues.selectors import (
    venue_get,
    venue_ids_managed_by,
    venue_is_run_by,
    venues_with_spaces,
)

# Holding this permission opens the back office (owners, admins, organizers).
BACKOFFICE_PERMISSION = "orders.view_order"

# What can be done on a venue's back-office pages, and the permission that lets
# staff do it; a manager of the venue may do all of it (``venue_is_run_by``).
VENUE_ACTIONS = {
    "edit": "venues.change_venue",
    "hours": "venues.change_openinghours",
    "close_days": "venues.add_blackoutdate",
    "reopen_days": "venues.delete_blackoutdate",
    "add_space": "venues.add_space",
    "change_space": "venues.change_space",
    "delete_space": "venues.delete_space",
}

P = ParamSpec("P")
R = TypeVar("R", bound=HttpResponseBase)
View = Callable[Concatenate[HttpRequest, P], R]


def staff_required(
    *permissions: str,
) -> Callable[[View[P, R]], View[P, R]]:
    """Anonymous users go to the sign-in page; signed-in users lacking
    ``permissions`` (default: ``BACKOFFICE_PERMISSION``) get a 403."""
    needed = permissions or (BACKOFFICE_PERMISSION,)

    def decorate(view: View[P, R]) -> View[P, R]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: P.args, **kwargs: P.kwargs) -> R:
            if not request.user.has_perms(needed):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return login_required(wrapped)

    return decorate


def backoffice_staff(user: Any) -> bool:
    """Whether ``user`` opens the whole back office, not only their venues."""
    return bool(user.has_perm(BACKOFFICE_PERMISSION))


def backoffice_venues(user: User) -> QuerySet[Venue]:
    """The venues ``user`` sees in the back office: every one for staff, their
    own for a venue's managers. Raises PermissionDenied for anyone else."""
    if backoffice_staff(user):
        return venues_with_spaces()
    venues = venues_with_spaces(managed_by=user)
    if not venues.exists():
        raise PermissionDenied
    return venues


def venue_actions(user: User, venue: Venue, *, manages: bool | None = None) -> dict[str, bool]:
    """Which of ``VENUE_ACTIONS`` ``user`` may take on ``venue`` (``manages``:
    whether they manage it, when known)."""
    return {
        action: venue_is_run_by(venue=venue, user=user, permission=permission, manages=manages)
        for action, permission in VENUE_ACTIONS.items()
    }


def venues_with_actions(user: User, venues: QuerySet[Venue]) -> list[tuple[Venue, dict[str, bool]]]:
    """Each of ``venues`` with ``venue_actions`` (one query for whom it manages)."""
    managed = venue_ids_managed_by(user=user)
    return [(venue, venue_actions(user, venue, manages=venue.pk in managed)) for venue in venues]


VenueView = Callable[..., R]


def venue_access_required(permission: str) -> Callable[[VenueView[R]], Callable[..., R]]:
    """For the pages of one venue (``pk`` in the URL): staff holding
    ``permission`` or a manager of this very venue may open them; the view
    receives the venue in place of ``pk``. Anonymous users go to the sign-in
    page, others get a 403; an unknown venue is a 404."""

    def decorate(view: VenueView[R]) -> Callable[..., R]:
        @wraps(view)
        def wrapped(request: HttpRequest, pk: int, **kwargs: Any) -> R:
            venue = venue_get(pk=pk)
            if not venue_is_run_by(venue=venue, user=authed_user(request), permission=permission):
                raise PermissionDenied
            return view(request, venue, **kwargs)

        return login_required(wrapped)

    return decorate
