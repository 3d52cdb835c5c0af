from __future__ import annotations

from django.urls import path

from core_apps.integrations import views

urlpatterns = [path("events/", views.widget_events_view, name="widget-events")]
