"""Included at the sign-in paths of Django's admin and Wagtail (``admin/login/``,
``cms/login/``): their own forms would skip two-factor, so they redirect to
allauth's, the only sign-in form."""

from __future__ import annotations

from django.urls import path

from core_apps.accounts.views import login_redirect

urlpatterns = [path("", login_redirect)]
