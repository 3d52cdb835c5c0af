"""Who may enter the back office: staff by permission, never by role name.

The second factor is already required of every user holding a staff
permission by ``core_apps.accounts.middleware.StaffMFAMiddleware``."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

# Holding this permission opens the back office (owners, admins, organizers).
BACKOFFICE_PERMISSION = "orders.view_order"

F = TypeVar("F", bound=Callable[..., Any])


def staff_required(*permissions: str) -> Callable[[F], F]:
    """Anonymous users go to the sign-in page; signed-in users lacking
    ``permissions`` (default: ``BACKOFFICE_PERMISSION``) get a 403."""
    needed = permissions or (BACKOFFICE_PERMISSION,)

    def decorate(view: F) -> F:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
            if not request.user.has_perms(needed):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return login_required(wrapped)  # type: ignore[return-value]

    return decorate
