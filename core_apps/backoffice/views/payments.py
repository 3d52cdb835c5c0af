"""Payment settings (``manage:payments``): legal details for invoices, the
bank account shown to bank-transfer buyers, deadlines and providers."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _

from core_apps.accounts.request import authed_user
from core_apps.backoffice.access import staff_required
from core_apps.backoffice.forms import PaymentSettingsForm
from core_apps.events.forms import form_errors_apply
from core_apps.orders.selectors import payment_settings_current
from core_apps.orders.services import payment_settings_update
from pista.error_views import form_error_status, form_service_call


@staff_required("orders.change_order")
def payment_settings(request: HttpRequest) -> HttpResponse:
    row = payment_settings_current()
    form = PaymentSettingsForm(request.POST or None, initial=PaymentSettingsForm.initial_for(row))
    if request.method == "POST" and form.is_valid():
        try:
            saved = form_service_call(
                form,
                lambda: payment_settings_update(actor=authed_user(request), **form.cleaned_data),
            )
        except ValidationError as exc:
            form_errors_apply(form, exc)
            saved = None
        if saved is not None and not form.errors:
            messages.success(request, _("The payment settings were saved."))
            return redirect("manage:payments")
    return render(
        request,
        "backoffice/payments.html",
        {"form": form},
        status=form_error_status(form) if request.method == "POST" else 200,
    )


urlpatterns = [path("", payment_settings, name="payments")]
