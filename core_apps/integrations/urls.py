from __future__ import annotations

from django.urls import path

from core_apps.integrations import views

urlpatterns = [
    path("", views.integrations_page, name="integrations-page"),
    path("keys/<int:key_id>/revoke/", views.api_key_revoke_view, name="api-key-revoke"),
]
