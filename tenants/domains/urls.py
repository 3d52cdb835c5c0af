from __future__ import annotations

from django.urls import path

from tenants.domains import views

urlpatterns = [
    path("", views.domains_page, name="domains-page"),
    path("<int:domain_id>/check/", views.domain_check, name="domain-check"),
    path("<int:domain_id>/primary/", views.domain_primary, name="domain-primary"),
    path("<int:domain_id>/remove/", views.domain_delete, name="domain-remove"),
]
