from __future__ import annotations

from django.urls import path

from tenants.lifecycle import views

urlpatterns = [
    path("", views.data_page, name="community-data"),
    path("export/", views.export_request, name="community-export"),
    path("export/<str:token>/", views.export_download, name="community-export-download"),
    path("delete/", views.deletion_request, name="community-delete"),
    path("delete/cancel/<str:token>/", views.deletion_cancel, name="community-delete-cancel"),
]
