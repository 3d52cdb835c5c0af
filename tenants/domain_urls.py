from __future__ import annotations

from django.urls import path

from tenants import domain_views

urlpatterns = [
    path("", domain_views.domains_page, name="domains-page"),
    path("<int:domain_id>/check/", domain_views.domain_check, name="domain-check"),
    path("<int:domain_id>/primary/", domain_views.domain_primary, name="domain-primary"),
    path("<int:domain_id>/remove/", domain_views.domain_delete, name="domain-remove"),
]
