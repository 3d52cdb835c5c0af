from __future__ import annotations

from django.urls import path

from core_apps.bookings.urls import booking_urlpatterns
from core_apps.venues import views

app_name = "venues"
urlpatterns = [
    path("", views.venue_index, name="index"),
    *booking_urlpatterns(
        views, extra=[path("bookings/<int:pk>/invoice/", views.booking_invoice, name="invoice")]
    ),
    path("spaces/<int:pk>/", views.space_detail, name="space"),
    path("<slug:slug>/", views.venue_detail, name="venue"),
]
