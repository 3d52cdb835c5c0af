from __future__ import annotations

from django.urls import path

from core_apps.orders import views

app_name = "orders"
urlpatterns = [
    path("checkout/<int:product_id>/", views.checkout, name="checkout"),
    path("checkin/", views.checkin_page, name="checkin"),
    path("mine/", views.my_orders, name="mine"),
    path("waitlist/<str:secret>/", views.waitlist_offer, name="waitlist-offer"),
    path("partner/<str:token>/", views.partner_claim, name="partner-claim"),
    path("<str:code>/<str:secret>/", views.order_page, name="order"),
    path("<str:code>/<str:secret>/pay/", views.order_pay, name="order-pay"),
    path("<str:code>/<str:secret>/cancel/", views.order_cancel, name="order-cancel"),
    path(
        "<str:code>/<str:secret>/positions/<int:position_id>/transfer/",
        views.position_transfer,
        name="position-transfer",
    ),
    path(
        "<str:code>/<str:secret>/invoices/<int:number>.pdf",
        views.invoice_download,
        name="invoice-pdf",
    ),
]
