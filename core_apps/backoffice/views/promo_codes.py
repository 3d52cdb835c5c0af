"""Promo codes (``manage:promo-codes``): create, edit, deactivate; percent or a
fixed amount typed as a decimal; usage limits, validity window, products —
hidden products among them are unlocked by the code. Writes go through
``core_apps.orders.services`` (audited there)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, cast

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from core_apps.accounts.request import authed_user
from core_apps.backoffice.access import staff_required
from core_apps.orders import selectors, services
from core_apps.orders.models import PromoCode
from core_apps.ticketing.models import Product
from core_apps.ticketing.selectors import products_for_staff
from pista.error_views import action_run, form_error_status, form_service_call
from pista.formats import InvalidMoneyAmount, money_decimal, money_parse
from tenants.current import community_current

DATETIME_INPUT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class ProductsChoiceField(forms.ModelMultipleChoiceField):
    """Products to tick, hidden ones marked as such."""

    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name} ({_('hidden')})" if obj.is_hidden else obj.name


class PromoCodeForm(forms.Form):
    code = forms.CharField(label=gettext_lazy("Code"), max_length=64)
    kind = forms.ChoiceField(label=gettext_lazy("Discount"), choices=PromoCode.Kind.choices)
    value = forms.DecimalField(
        label=gettext_lazy("Value"),
        max_digits=12,
        decimal_places=2,
        help_text=gettext_lazy("Percent off, or the amount off per ticket (e.g. 12.50)."),
    )
    max_uses = forms.IntegerField(
        label=gettext_lazy("Usage limit"),
        required=False,
        help_text=gettext_lazy("Orders that may use it (empty: no limit)."),
    )
    valid_from = forms.DateTimeField(
        label=gettext_lazy("Valid from"), required=False, widget=DATETIME_INPUT
    )
    valid_until = forms.DateTimeField(
        label=gettext_lazy("Valid until"), required=False, widget=DATETIME_INPUT
    )
    products = ProductsChoiceField(
        label=gettext_lazy("Products"),
        queryset=Product.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy(
            "None ticked: every product. Hidden products ticked here are sold with this code."
        ),
    )

    def __init__(self, *args: Any, currency: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.currency = currency
        cast(ProductsChoiceField, self.fields["products"]).queryset = products_for_staff()
        self.fields["value"].help_text = _(
            "Percent off, or the amount off per ticket in %(currency)s (e.g. 12.50)."
        ) % {"currency": currency}

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        value = data.get("value")
        if value is not None:
            if value < 0:
                self.add_error("value", _("The value can't be negative."))
            elif data.get("kind") == PromoCode.Kind.FIXED:
                try:
                    data["value_minor"] = money_parse(value, self.currency)
                except InvalidMoneyAmount as exc:
                    self.add_error("value", exc.message)
            elif value != value.to_integral_value():
                self.add_error("value", _("A percentage is a whole number."))
            else:
                data["value_minor"] = int(value)
        start, end = data.get("valid_from"), data.get("valid_until")
        if start and end and end <= start:
            self.add_error("valid_until", _("The end must be after the start."))
        return data

    def to_service(self) -> services.PromoCodeIn:
        data = self.cleaned_data
        return services.PromoCodeIn(
            code=data["code"],
            kind=data["kind"],
            value=data["value_minor"],
            max_uses=data["max_uses"],
            valid_from=data["valid_from"],
            valid_until=data["valid_until"],
        )

    @staticmethod
    def initial_for(promo: PromoCode) -> dict[str, Any]:
        value: Decimal | int = promo.value
        if promo.kind == PromoCode.Kind.FIXED:
            value = money_decimal(promo.value, community_current().currency)
        return {
            "code": promo.code,
            "kind": promo.kind,
            "value": value,
            "max_uses": promo.max_uses,
            "valid_from": promo.valid_from,
            "valid_until": promo.valid_until,
            "products": list(promo.products.all()),
        }


@staff_required("orders.view_promocode")
def promo_code_list(request: HttpRequest) -> HttpResponse:
    community = community_current()
    promos = list(selectors.promo_codes_for_staff())
    for promo in promos:
        promo.hidden_links = [  # type: ignore[attr-defined]
            (p, reverse("orders:checkout", args=[p.pk]) + f"?code={promo.code}")
            for p in promo.products.all()
            if p.is_hidden
        ]
    return render(
        request,
        "backoffice/promo_codes/list.html",
        {"promos": promos, "currency": community.currency, "zone": community.time_zone},
    )


def _form_page(request: HttpRequest, promo: PromoCode | None, *, write: Any) -> HttpResponse:
    community = community_current()
    with timezone.override(community.time_zone):  # typed times are the community's
        form = PromoCodeForm(
            request.POST or None,
            currency=community.currency,
            initial=PromoCodeForm.initial_for(promo) if promo else None,
        )
        if request.method == "POST" and form.is_valid():
            saved = form_service_call(form, lambda: write(form))
            if saved is not None:
                return redirect("manage:promo-codes")
        return render(
            request,
            "backoffice/promo_codes/form.html",
            {
                "form": form,
                "promo": promo,
                "zone": community.time_zone,
                "title": promo.code if promo else _("New promo code"),
            },
            status=form_error_status(form),
        )


@staff_required("orders.add_promocode")
def promo_code_create(request: HttpRequest) -> HttpResponse:
    return _form_page(
        request,
        None,
        write=lambda form: services.promo_code_create(
            actor=authed_user(request),
            data=form.to_service(),
            products=list(form.cleaned_data["products"]),
        ),
    )


@staff_required("orders.change_promocode")
def promo_code_edit(request: HttpRequest, pk: int) -> HttpResponse:
    promo = selectors.promo_code_for_staff(pk=pk)
    return _form_page(
        request,
        promo,
        write=lambda form: services.promo_code_update(
            actor=authed_user(request),
            promo=promo,
            data=form.to_service(),
            products=list(form.cleaned_data["products"]),
        ),
    )


@require_POST
@staff_required("orders.change_promocode")
def promo_code_active(request: HttpRequest, pk: int) -> HttpResponse:
    promo = selectors.promo_code_for_staff(pk=pk)
    active = request.POST.get("active") == "1"

    def toggle() -> str:
        services.promo_code_set_active(actor=authed_user(request), promo=promo, active=active)
        return (_("%(code)s is active again.") if active else _("%(code)s was deactivated.")) % {
            "code": promo.code
        }

    return action_run(request, toggle, back=reverse("manage:promo-codes"))


urlpatterns = [
    path("", promo_code_list, name="promo-codes"),
    path("new/", promo_code_create, name="promo-code-create"),
    path("<int:pk>/", promo_code_edit, name="promo-code-edit"),
    path("<int:pk>/active/", promo_code_active, name="promo-code-active"),
]
