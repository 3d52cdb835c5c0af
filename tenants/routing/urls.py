from __future__ import annotations

from django.urls import path

from tenants.routing import views

app_name = "language"
urlpatterns = [path("", views.language_choose, name="choose")]
