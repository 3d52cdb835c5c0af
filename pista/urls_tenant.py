"""URLs of a community host (the community's schema)."""

from __future__ import annotations

from django.conf import settings
from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from cms.views import robots_txt, sitemap_xml
from core_apps.accounts.views import account_page_redirect, login_redirect

urlpatterns = [
    path("robots.txt", robots_txt, name="robots-txt"),
    path("sitemap.xml", sitemap_xml, name="sitemap"),
    path("api/v1/", include("pista.api.urls")),
    path("accounts/", include("core_apps.accounts.urls")),
    path("accounts/", include("allauth.urls")),
    path("community/", include("core_apps.community.urls")),
    path("privacy/", include("core_apps.privacy.urls")),
    # One way in: allauth's sign-in, reset and account pages (two-factor,
    # throttling, audit). Wagtail's own sign-in forms (the admin's and the one
    # for private pages) and its password reset are sent there; its account
    # page changes neither email nor password (WAGTAIL_*_MANAGEMENT_ENABLED).
    path("cms/login/", login_redirect),
    path("_util/login/", login_redirect),
    path("cms/password_reset/", account_page_redirect, {"to": "account_reset_password"}),
    path("cms/", include(wagtailadmin_urls)),
    path("settings/domains/", include("tenants.domain_urls")),
    path("settings/data/", include("tenants.data_urls")),
    path("documents/", include(wagtaildocs_urls)),
    path("events/", include("core_apps.events.urls")),
    path("tickets/manage/", include("core_apps.ticketing.urls")),
    path("orders/", include("core_apps.orders.urls")),
    path("", include("tenants.urls_tenant")),
    path("artists/", include("core_apps.artists.urls")),
    path("venues/", include("core_apps.venues.urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

urlpatterns += [path("", include(wagtail_urls))]


handler404 = "pista.error_views.page_not_found"
handler500 = "pista.error_views.server_error"
