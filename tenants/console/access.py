"""Who may open the operator console: platform operators with a second factor."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django_tenants.utils import get_public_schema_name

from core_apps.accounts.security import session_mfa_verified
from pista.errors import PermissionDenied


def is_operator(user: Any) -> bool:
    """A platform operator: an active staff member or superuser of the public schema."""
    return bool(
        getattr(user, "is_authenticated", False)
        and user.is_active
        and (user.is_staff or user.is_superuser)
    )


def operator_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Open ``view`` to operators who proved a second factor in this session, on
    the platform host only. Others: sign in (anonymous), 403 (not an operator),
    or prove the second factor."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        tenant = getattr(request, "tenant", None)
        if tenant is None or tenant.schema_name != get_public_schema_name():
            raise Http404
        user = request.user
        next_query = urlencode({"next": request.get_full_path()})
        if not user.is_authenticated:
            return HttpResponseRedirect(f"{settings.LOGIN_URL}?{next_query}")
        if not is_operator(user):
            raise PermissionDenied(_("The operator console is for platform operators."))
        if not session_mfa_verified(request):
            return HttpResponseRedirect(f"{reverse('mfa_reauthenticate')}?{next_query}")
        return view(request, *args, **kwargs)

    return wrapped
