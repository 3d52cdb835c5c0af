"""The theme picker in the community's Wagtail admin."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _

from pista.errors import ApplicationError
from themes.forms import ThemeChooseForm
from themes.registry import THEME_LIST
from themes.services import community_theme_set


def theme_choose(request: HttpRequest) -> HttpResponse:
    """Owners and admins pick their community's theme; the site follows at once."""
    from core_apps.accounts.roles import Role
    from core_apps.accounts.services import user_roles

    user = request.user
    if not (user.is_superuser or user_roles(user=user) & {Role.OWNER, Role.ADMIN}):  # type: ignore[arg-type]
        raise PermissionDenied
    community = request.tenant  # type: ignore[attr-defined]
    form = ThemeChooseForm(request.POST or None, initial={"theme": community.theme})
    if request.method == "POST" and form.is_valid():
        try:
            community_theme_set(community=community, theme=form.cleaned_data["theme"])
        except ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Theme changed. Your whole site uses it now."))
            return redirect("themes_choose")
    return TemplateResponse(
        request,
        "themes/admin/choose.html",
        {"form": form, "themes": THEME_LIST, "current": community.theme},
    )
