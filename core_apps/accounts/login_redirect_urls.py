"""One way in, on community hosts: included by the tenant URLconf ahead of
Wagtail, whose admin sign-in, sign-in for private pages and password reset would
skip two-factor, throttling and audit; allauth's pages answer instead, the only
sign-in form. (The platform host's twin: ``platform_login_redirect_urls``.)"""

from __future__ import annotations

from django.urls import path

from core_apps.accounts.views import account_page_redirect, login_redirect

urlpatterns = [
    path("cms/login/", login_redirect),
    path("_util/login/", login_redirect),
    path("cms/password_reset/", account_page_redirect, {"to": "account_reset_password"}),
]
