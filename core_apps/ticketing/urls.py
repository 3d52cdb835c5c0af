from __future__ import annotations

from django.urls import path

from core_apps.ticketing import views

app_name = "ticketing"
urlpatterns = [
    path("", views.manage_catalogue, name="manage-list"),
    path("products/new/", views.manage_product_create, name="manage-product-create"),
    path("products/<int:pk>/", views.manage_product_edit, name="manage-product-edit"),
    path(
        "products/<int:pk>/<slug:action>/",
        views.manage_product_action,
        name="manage-product-action",
    ),
    path("quotas/new/", views.manage_quota_create, name="manage-quota-create"),
    path("quotas/<int:pk>/", views.manage_quota_edit, name="manage-quota-edit"),
]
