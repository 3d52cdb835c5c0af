"""One way in, on the platform host: Django admin's sign-in and password change
are answered by allauth's pages (two-factor, throttling, audit)."""

from __future__ import annotations

from django.urls import path

from core_apps.accounts.views import account_page_redirect, login_redirect

urlpatterns = [
    path("admin/login/", login_redirect),
    path("admin/password_change/", account_page_redirect, {"to": "account_change_password"}),
]
