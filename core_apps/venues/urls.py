from __future__ import annotations

from django.urls import path

from core_apps.venues import views

app_name = "venues"
urlpatterns = [
    path("", views.venue_index, name="index"),
    path("bookings/", views.booking_list, name="bookings"),
    path("bookings/<int:pk>/", views.booking_detail, name="booking"),
    path("bookings/<int:pk>/invoice/", views.booking_invoice, name="invoice"),
    path("bookings/<int:pk>/<str:action>/", views.booking_action, name="booking-action"),
    path("spaces/<int:pk>/", views.space_detail, name="space"),
    path("<slug:slug>/", views.venue_detail, name="venue"),
]
