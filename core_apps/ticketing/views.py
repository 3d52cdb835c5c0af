"""The organizer back office for the catalogue (products and quotas). Thin:
parse with a form, call one service, show its field errors."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from zoneinfo import ZoneInfo

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy
from django.views.decorators.http import require_POST

from core_apps.accounts.request import authed_user
from core_apps.events.forms import form_errors_apply
from core_apps.ticketing.forms import ProductForm, QuotaForm
from core_apps.ticketing.selectors import (
    product_for_staff,
    products_for_staff,
    quota_for_staff,
    quotas_for_staff,
)
from core_apps.ticketing.services import (
    product_archive,
    product_create,
    product_duplicate,
    product_publish,
    product_update,
    quota_create,
    quota_update,
)
from pista.errors import PermissionDenied
from pista.staff_actions import staff_action_run
from tenants.current import community_current


def _staff_only(request: HttpRequest) -> None:
    if not request.user.has_perm("ticketing.change_product"):
        raise DjangoPermissionDenied


def _form_page(
    request: HttpRequest,
    form: forms.Form,
    save: Callable[[dict[str, Any]], Any],
    title: str,
) -> HttpResponse:
    # Dates typed into the form are on the community's clock.
    with timezone.override(ZoneInfo(community_current().time_zone)):
        valid = request.method == "POST" and form.is_valid()
    if valid:
        try:
            saved = save(dict(form.cleaned_data))
        except ValidationError as exc:
            form_errors_apply(form, exc)
        except PermissionDenied as exc:
            raise DjangoPermissionDenied(exc.message) from exc
        else:
            messages.success(request, gettext("%(saved)s was saved.") % {"saved": saved})
            return redirect("manage:catalogue")
    return render(request, "ticketing/manage/form.html", {"form": form, "title": title})


@login_required
def manage_catalogue(request: HttpRequest) -> HttpResponse:
    _staff_only(request)
    return render(
        request,
        "ticketing/manage/catalogue.html",
        {"products": list(products_for_staff()), "quotas": list(quotas_for_staff())},
    )


@login_required
def manage_product_create(request: HttpRequest) -> HttpResponse:
    _staff_only(request)
    form = ProductForm(request.POST or None, initial={"currency": community_current().currency})
    return _form_page(
        request,
        form,
        lambda data: product_create(actor=authed_user(request), **data),
        gettext("New product"),
    )


@login_required
def manage_product_edit(request: HttpRequest, pk: int) -> HttpResponse:
    _staff_only(request)
    product = product_for_staff(pk=pk)
    form = ProductForm(request.POST or None, initial=ProductForm.initial_for(product))
    return _form_page(
        request,
        form,
        lambda data: product_update(actor=authed_user(request), product=product, **data),
        gettext("Edit %(name)s") % {"name": product.name},
    )


PRODUCT_ACTIONS = {
    "publish": product_publish,
    "archive": product_archive,
    "duplicate": product_duplicate,
}
PRODUCT_ACTION_DONE = {
    "publish": gettext_lazy("%(name)s is published."),
    "archive": gettext_lazy("%(name)s is archived."),
    "duplicate": gettext_lazy("%(name)s was created."),
}


@login_required
@require_POST
def manage_product_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    _staff_only(request)
    if action not in PRODUCT_ACTIONS:
        raise Http404
    return staff_action_run(
        request,
        action=lambda: PRODUCT_ACTIONS[action](
            actor=authed_user(request), product=product_for_staff(pk=pk)
        ),
        done_message=lambda product: PRODUCT_ACTION_DONE[action] % {"name": product.name},
        done_url="manage:catalogue",
    )


@login_required
def manage_quota_create(request: HttpRequest) -> HttpResponse:
    _staff_only(request)
    form = QuotaForm(request.POST or None)
    return _form_page(
        request,
        form,
        lambda data: quota_create(actor=authed_user(request), **data),
        gettext("New quota"),
    )


@login_required
def manage_quota_edit(request: HttpRequest, pk: int) -> HttpResponse:
    _staff_only(request)
    quota = quota_for_staff(pk=pk)
    form = QuotaForm(request.POST or None, initial=QuotaForm.initial_for(quota))
    return _form_page(
        request,
        form,
        lambda data: quota_update(actor=authed_user(request), quota=quota, **data),
        gettext("Edit %(name)s") % {"name": quota.name},
    )
