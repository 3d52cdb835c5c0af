"""The member's privacy pages, under ``/privacy/``."""

from __future__ import annotations

from django.urls import path

from core_apps.privacy import views

app_name = "privacy"
urlpatterns = [
    path("", views.privacy_home, name="home"),
    path("accept/", views.policies_accept, name="accept"),
    path("policies/<slug:kind>/", views.policy_show, name="policy"),
    path("consents/<int:document_id>/", views.policy_consent, name="consent"),
    path("export/", views.export_request, name="export"),
    path("export/<str:token>/", views.export_download, name="export-download"),
    path("delete/", views.account_delete, name="delete"),
]
