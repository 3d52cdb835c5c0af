"""The signed-in user of a request, typed as ``User``.

``request.user`` is ``User | AnonymousUser`` to the type checker; views behind
``login_required`` or ``IsAuthenticated`` know better, and say so through
``authed_user`` instead of silencing the checker.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from rest_framework.exceptions import NotAuthenticated
from rest_framework.request import Request

from core_apps.accounts.models import User


def authed_user(request: HttpRequest | Request) -> User:
    """The authenticated user of ``request``.

    Raises NotAuthenticated (API) or PermissionDenied (HTML) when nobody is
    signed in, so a view that forgot its guard fails closed with a 4xx.
    """
    user = request.user
    if isinstance(user, User) and user.is_authenticated:
        return user
    if isinstance(request, Request):
        raise NotAuthenticated()
    raise PermissionDenied("Sign in first.")
