"""URLs of a community host (the community's schema).

Apps are included by name: ``pista`` imports no app (``make lint`` checks it)."""

from __future__ import annotations

from django.conf import settings
from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

urlpatterns = [
    path("", include("cms.urls")),
    path("api/v1/", include("pista.api.urls")),
    path("language/", include("tenants.routing.urls")),
    path("accounts/", include("core_apps.accounts.urls")),
    path("accounts/", include("allauth.urls")),
    path("community/", include("core_apps.community.urls")),
    path("privacy/", include("core_apps.privacy.urls")),
    # One way in: allauth's sign-in, reset and account pages (two-factor,
    # throttling, audit). Wagtail's own sign-in forms (the admin's and the one
    # for private pages) and its password reset are sent there; its account
    # page changes neither email nor password (WAGTAIL_*_MANAGEMENT_ENABLED).
    path("", include("core_apps.accounts.login_redirect_urls")),
    path("cms/", include(wagtailadmin_urls)),
    path("settings/domains/", include("tenants.domains.urls")),
    path("settings/data/", include("tenants.lifecycle.urls")),
    path("settings/plan/", include("billing.urls")),
    path("settings/integrations/", include("core_apps.integrations.urls")),
    path("widget/", include("core_apps.integrations.widget_urls")),
    path("documents/", include(wagtaildocs_urls)),
    path("events/", include("core_apps.events.urls")),
    path("tickets/manage/", include("core_apps.ticketing.urls")),
    # The organizer's back office (core_apps.backoffice), namespace ``manage``.
    path("manage/", include("core_apps.backoffice.urls")),
    path("orders/", include("core_apps.orders.urls")),
    # An event's on-sale queue: the waiting room and its JSON endpoints.
    path("queue/", include("core_apps.ticketing.salequeue.urls")),
    path("", include("tenants.provisioning.urls_tenant")),
    path("artists/", include("core_apps.artists.urls")),
    path("venues/", include("core_apps.venues.urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

urlpatterns += [path("", include(wagtail_urls))]


handler400 = "pista.error_views.bad_request"
handler404 = "pista.error_views.page_not_found"
handler500 = "pista.error_views.server_error"
