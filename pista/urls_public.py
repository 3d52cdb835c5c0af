"""URLs of the platform host (public schema): the platform site and operator admin."""

from django.contrib import admin
from django.urls import include, path

from core_apps.accounts.views import account_page_redirect, login_redirect
from pista import views

admin.site.site_header = "Pista operator console"

urlpatterns = [
    path("", views.platform_home, name="platform-home"),
    # Operators sign in and change their password through allauth (two-factor,
    # throttling, audit), never Django's own forms.
    path("admin/login/", login_redirect),
    path("admin/password_change/", account_page_redirect, {"to": "account_change_password"}),
    path("admin/", admin.site.urls),
    path("accounts/", include("core_apps.accounts.urls")),
    path("accounts/", include("allauth.urls")),
    path("", include("tenants.urls_public")),
]

handler404 = "pista.error_views.page_not_found"
handler500 = "pista.error_views.server_error"
