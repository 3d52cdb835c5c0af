from __future__ import annotations

from django.urls import path

from core_apps.integrations import views

urlpatterns = [
    path("", views.integrations_page, name="integrations-page"),
    path("keys/<int:key_id>/revoke/", views.api_key_revoke_view, name="api-key-revoke"),
    path("widget/", views.widget_origins_view, name="widget-origins"),
    path("webhooks/", views.webhook_subscribe_view, name="webhook-subscribe"),
    path(
        "webhooks/<int:subscription_id>/<str:action>/",
        views.webhook_action_view,
        name="webhook-action",
    ),
    path(
        "deliveries/<int:delivery_id>/redeliver/",
        views.webhook_redeliver_view,
        name="webhook-redeliver",
    ),
]
