"""Dance styles and levels (``manage:taxonomy``): the vocabulary events are
tagged with. Staff add, rename and remove them and put the levels in order;
writes go through ``core_apps.events.services`` (checked and audited there).
A style or level events still use is not removed (the page says how many)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from core_apps.accounts.request import authed_user
from core_apps.backoffice.access import staff_required
from core_apps.events import selectors, services
from core_apps.events.forms import form_errors_apply
from pista.error_views import action_run, form_error_status

VIEW_PERMISSIONS = ("events.view_dancestyle", "events.view_level")


class NameForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=80)


def _page(
    request: HttpRequest, *, bound: NameForm | None = None, status: int = 200
) -> HttpResponse:
    """The page; ``bound`` (a form with errors) replaces the one with its prefix."""

    def form_for(prefix: str, name: str = "") -> NameForm:
        if bound is not None and bound.prefix == prefix:
            return bound
        return NameForm(prefix=prefix, initial={"name": name} if name else None)

    styles = [
        (style, form_for(f"style-{style.pk}", style.name))
        for style in selectors.dance_styles_for_staff()
    ]
    levels = [
        (level, form_for(f"level-{level.pk}", level.name)) for level in selectors.levels_for_staff()
    ]
    context = {
        "styles": styles,
        "levels": levels,
        "style_form": form_for("style"),
        "level_form": form_for("level"),
    }
    return render(request, "backoffice/taxonomy.html", context, status=status)


def _write(request: HttpRequest, prefix: str, write: Callable[[str], Any]) -> HttpResponse:
    """Read the name in the form ``prefix`` and pass it to ``write`` (a service
    returning the style or level); errors are shown next to the field (400)."""
    form = NameForm(request.POST, prefix=prefix)
    if form.is_valid():
        try:
            saved = write(form.cleaned_data["name"])
        except ValidationError as exc:
            form_errors_apply(form, exc)
        else:
            messages.success(request, _("%(name)s was saved.") % {"name": saved.name})
            return redirect("manage:taxonomy")
    return _page(request, bound=form, status=form_error_status(form))


@staff_required(*VIEW_PERMISSIONS)
def taxonomy(request: HttpRequest) -> HttpResponse:
    return _page(request)


@require_POST
@staff_required("events.add_dancestyle", *VIEW_PERMISSIONS)
def style_create(request: HttpRequest) -> HttpResponse:
    actor = authed_user(request)
    return _write(
        request,
        "style",
        lambda name: services.dance_style_create(actor=actor, name=name),
    )


@require_POST
@staff_required("events.change_dancestyle", *VIEW_PERMISSIONS)
def style_rename(request: HttpRequest, pk: int) -> HttpResponse:
    style = selectors.dance_style_for_staff(pk=pk)
    actor = authed_user(request)
    return _write(
        request,
        f"style-{pk}",
        lambda name: services.dance_style_rename(actor=actor, style=style, name=name),
    )


@require_POST
@staff_required("events.delete_dancestyle", *VIEW_PERMISSIONS)
def style_delete(request: HttpRequest, pk: int) -> HttpResponse:
    style = selectors.dance_style_for_staff(pk=pk)

    def delete() -> str:
        services.dance_style_delete(actor=authed_user(request), style=style)
        return _("%(name)s was removed.") % {"name": style.name}

    return action_run(
        request,
        delete,
        back=reverse("manage:taxonomy"),
        error_page=lambda status: _page(request, status=status),
    )


@require_POST
@staff_required("events.add_level", *VIEW_PERMISSIONS)
def level_create(request: HttpRequest) -> HttpResponse:
    actor = authed_user(request)
    return _write(
        request,
        "level",
        lambda name: services.level_create(actor=actor, name=name),
    )


@require_POST
@staff_required("events.change_level", *VIEW_PERMISSIONS)
def level_rename(request: HttpRequest, pk: int) -> HttpResponse:
    level = selectors.level_for_staff(pk=pk)
    actor = authed_user(request)
    return _write(
        request,
        f"level-{pk}",
        lambda name: services.level_rename(actor=actor, level=level, name=name),
    )


@require_POST
@staff_required("events.delete_level", *VIEW_PERMISSIONS)
def level_delete(request: HttpRequest, pk: int) -> HttpResponse:
    level = selectors.level_for_staff(pk=pk)

    def delete() -> str:
        services.level_delete(actor=authed_user(request), level=level)
        return _("%(name)s was removed.") % {"name": level.name}

    return action_run(
        request,
        delete,
        back=reverse("manage:taxonomy"),
        error_page=lambda status: _page(request, status=status),
    )


@require_POST
@staff_required("events.change_level", *VIEW_PERMISSIONS)
def level_move(request: HttpRequest, pk: int) -> HttpResponse:
    level = selectors.level_for_staff(pk=pk)
    direction = request.POST.get("direction")
    if direction not in {"up", "down"}:
        return _page(request, status=400)
    services.level_move(actor=authed_user(request), level=level, up=direction == "up")
    return redirect(f"{reverse('manage:taxonomy')}#level-{level.pk}")


urlpatterns = [
    path("", taxonomy, name="taxonomy"),
    path("styles/new/", style_create, name="style-create"),
    path("styles/<int:pk>/rename/", style_rename, name="style-rename"),
    path("styles/<int:pk>/delete/", style_delete, name="style-delete"),
    path("levels/new/", level_create, name="level-create"),
    path("levels/<int:pk>/rename/", level_rename, name="level-rename"),
    path("levels/<int:pk>/delete/", level_delete, name="level-delete"),
    path("levels/<int:pk>/move/", level_move, name="level-move"),
]
