"""Waitlists (``manage:waitlists``): per product and role, with each person's
place in line, offers made, claimed and expired; staff offer a place by hand or
take someone off (``core_apps.orders.services``, audited there)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core_apps.accounts.request import authed_user
from core_apps.backoffice.access import staff_required
from core_apps.orders import selectors, services
from core_apps.ticketing.selectors import product_for_staff
from pista.error_views import action_run
from tenants.current import community_current


@staff_required("orders.view_waitlistentry")
def waitlist_list(request: HttpRequest) -> HttpResponse:
    return render(
        request, "backoffice/waitlists/list.html", {"summaries": selectors.waitlists_summary()}
    )


@staff_required("orders.view_waitlistentry")
def waitlist_product(request: HttpRequest, product_id: int) -> HttpResponse:
    product = product_for_staff(pk=product_id)
    return render(
        request,
        "backoffice/waitlists/product.html",
        {
            "product": product,
            "entries": selectors.waitlist_entries_for_product(product_id=product.pk),
            "zone": community_current().time_zone,
        },
    )


@require_POST
@staff_required("orders.change_waitlistentry")
def waitlist_entry_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    entry = selectors.waitlist_entry_for_staff(pk=pk)
    back = reverse("manage:waitlist-product", args=[entry.product_id])

    def run() -> str:
        if action == "offer":
            services.waitlist_entry_offer(entry=entry, actor=authed_user(request))
            return _("%(name)s was offered a place.") % {"name": entry.name}
        services.waitlist_entry_remove(entry=entry, actor=authed_user(request))
        return _("%(name)s was taken off the waitlist.") % {"name": entry.name}

    return action_run(request, run, back=back)


urlpatterns = [
    path("", waitlist_list, name="waitlists"),
    path("products/<int:product_id>/", waitlist_product, name="waitlist-product"),
    path(
        "entries/<int:pk>/offer/", waitlist_entry_action, {"action": "offer"}, name="waitlist-offer"
    ),
    path(
        "entries/<int:pk>/remove/",
        waitlist_entry_action,
        {"action": "remove"},
        name="waitlist-remove",
    ),
]
