"""The waiting room of an event's on-sale queue (``/queue/``, namespace
``salequeue``). Its status and join endpoints are usually answered earlier,
by ``middleware.SaleQueueStatusMiddleware``; these views take over when it
cannot."""

from __future__ import annotations

from django.urls import path

from core_apps.ticketing.salequeue import views

app_name = "salequeue"
urlpatterns = [
    path("<int:event_id>/", views.line_page, name="line"),
    path("<int:event_id>/status/", views.line_status, name="status"),
    path("<int:event_id>/join/", views.line_join_json, name="join"),
]
