"""The catalogue's old address (``/tickets/manage/``): it moved to the back
office (``/manage/catalogue/``); these permanent redirects keep bookmarks working."""

from __future__ import annotations

from django.urls import path

from pista.redirects import moved_permanently

app_name = "ticketing"
urlpatterns = [
    path("", moved_permanently("manage:catalogue")),
    path("products/new/", moved_permanently("manage:product-create")),
    path("products/<int:pk>/", moved_permanently("manage:product-edit")),
    path("products/<int:pk>/<slug:action>/", moved_permanently("manage:product-action")),
    path("quotas/new/", moved_permanently("manage:quota-create")),
    path("quotas/<int:pk>/", moved_permanently("manage:quota-edit")),
]
