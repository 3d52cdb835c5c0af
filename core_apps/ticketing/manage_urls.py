"""The organizer's catalogue pages (products and quotas), mounted in the back
office at ``/manage/catalogue/`` (namespace ``manage``)."""

from __future__ import annotations

from django.urls import path

from core_apps.ticketing import views
from core_apps.ticketing.salequeue import views as salequeue_views

urlpatterns = [
    path("", views.manage_catalogue, name="catalogue"),
    path("products/new/", views.manage_product_create, name="product-create"),
    path("products/<int:pk>/", views.manage_product_edit, name="product-edit"),
    path("products/<int:pk>/<slug:action>/", views.manage_product_action, name="product-action"),
    path("quotas/new/", views.manage_quota_create, name="quota-create"),
    path("quotas/<int:pk>/", views.manage_quota_edit, name="quota-edit"),
    path("queues/<int:event_id>/", salequeue_views.manage_sale_queue, name="sale-queue"),
]
