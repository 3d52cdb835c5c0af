"""The signed-in user of a request, typed as ``User``.

``request.user`` is ``User | AnonymousUser`` to the type checker; views behind
``login_required`` or ``IsAuthenticated`` know better, and say so through
``authed_user`` instead of silencing the checker.
"""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.translation import gettext as _
from rest_framework.request import Request

from core_apps.accounts.models import User
from pista.errors import PermissionDenied


def authed_user(request: HttpRequest | Request) -> User:
    """The authenticated user of ``request``.

    Raises PermissionDenied (403, code ``permission_denied``) when nobody is
    signed in — what a service's own permission check answers an anonymous
    caller — so a view without a guard fails closed through the one error path.
    """
    user = request.user
    if isinstance(user, User) and user.is_authenticated:
        return user
    raise PermissionDenied(_("Sign in first."))
