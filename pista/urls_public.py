"""URLs of the platform host (public schema): the platform site and operator admin.

Apps are included by name: ``pista`` imports no app (``make lint`` checks it)."""

from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "Pista operator console"
# "View site" in the admin leads to the operator console.
admin.site.site_url = "/console/"

urlpatterns = [
    # Operators sign in and change their password through allauth (two-factor,
    # throttling, audit), never Django's own forms.
    path("", include("core_apps.accounts.platform_login_redirect_urls")),
    path("admin/", admin.site.urls),
    path("language/", include("tenants.routing.urls")),
    path("console/", include("tenants.console.urls")),
    path("accounts/", include("core_apps.accounts.urls")),
    path("accounts/", include("allauth.urls")),
    path("", include("tenants.provisioning.urls_public")),
    path("", include("billing.urls_public")),
]

handler400 = "pista.error_views.bad_request"
handler404 = "pista.error_views.page_not_found"
handler500 = "pista.error_views.server_error"
