from __future__ import annotations

from django.urls import path

from tenants import data_views

urlpatterns = [
    path("", data_views.data_page, name="community-data"),
    path("export/", data_views.export_request, name="community-export"),
    path("export/<str:token>/", data_views.export_download, name="community-export-download"),
    path("delete/", data_views.deletion_request, name="community-delete"),
    path("delete/cancel/<str:token>/", data_views.deletion_cancel, name="community-delete-cancel"),
]
