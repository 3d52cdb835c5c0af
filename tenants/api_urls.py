"""API routes of the tenants app (the community's settings, its custom domains),
included by ``pista.api.urls``."""

from __future__ import annotations

from django.urls import path

from tenants.domains.api import DomainCheckApi, DomainDetailApi, DomainListApi, DomainPrimaryApi
from tenants.provisioning.api import CommunityDetailApi

urlpatterns = [
    path("community/", CommunityDetailApi.as_view(), name="community"),
    path("domains/", DomainListApi.as_view(), name="domains"),
    path("domains/<int:domain_id>/", DomainDetailApi.as_view(), name="domain"),
    path("domains/<int:domain_id>/check/", DomainCheckApi.as_view(), name="domain-check"),
    path("domains/<int:domain_id>/primary/", DomainPrimaryApi.as_view(), name="domain-primary"),
]
