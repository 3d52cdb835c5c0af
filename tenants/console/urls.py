from __future__ import annotations

from django.urls import path

from tenants.console import views

urlpatterns = [
    path("", views.overview, name="console-overview"),
    path("communities/", views.community_list, name="console-communities"),
    path("communities/new/", views.community_new, name="console-community-new"),
    path("communities/<slug:slug>/", views.community_detail, name="console-community"),
    path(
        "communities/<slug:slug>/<slug:action>/",
        views.community_action,
        name="console-community-action",
    ),
]
