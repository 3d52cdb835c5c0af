"""The back office at ``/manage/`` (namespace ``manage``).

Each section is a module with its own ``urlpatterns``; apps that own their
staff pages (events, ticketing) expose them in a ``manage_urls`` module
mounted here, so every page sits under the one chrome."""

from __future__ import annotations

from django.urls import include, path

from core_apps.backoffice.views import common

app_name = "manage"
urlpatterns = [
    path("", common.home, name="home"),
    path("dashboard/", include("core_apps.backoffice.views.dashboard")),
    path("events/", include("core_apps.events.manage_urls")),
    path("styles-and-levels/", include("core_apps.backoffice.views.taxonomy")),
    path("catalogue/", include("core_apps.ticketing.manage_urls")),
    path("orders/", include("core_apps.backoffice.views.orders")),
    path("promo-codes/", include("core_apps.backoffice.views.promo_codes")),
    path("waitlists/", include("core_apps.backoffice.views.waitlists")),
    path("checkin/", include("core_apps.backoffice.views.checkin")),
    path("payments/", include("core_apps.backoffice.views.payments")),
    path("venues/", include("core_apps.backoffice.views.venues")),
    path("", include("core_apps.backoffice.views.sections")),
]
