"""Who may enter the back office: staff by permission, never by role name.

The second factor is already required of every user holding a staff
permission by ``core_apps.accounts.middleware.StaffMFAMiddleware``."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Concatenate, ParamSpec, TypeVar

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.http.response import HttpResponseBase

# Holding this permission opens the back office (owners, admins, organizers).
BACKOFFICE_PERMISSION = "orders.view_order"

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
