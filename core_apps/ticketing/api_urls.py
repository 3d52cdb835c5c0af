"""API routes of the ticketing app, included by ``pista.api.urls``."""

from __future__ import annotations

from django.urls import path

from core_apps.ticketing.api import ProductDetailApi, ProductListApi, QuotaDetailApi, QuotaListApi

urlpatterns = [
    path("products/", ProductListApi.as_view(), name="products"),
    path("products/<int:pk>/", ProductDetailApi.as_view(), name="product"),
    path("quotas/", QuotaListApi.as_view(), name="quotas"),
    path("quotas/<int:pk>/", QuotaDetailApi.as_view(), name="quota"),
]
