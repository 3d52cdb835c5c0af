"""API routes of the orders app (checkout, orders, check-in, waitlist, the Stripe
webhook), included by ``pista.api.urls``."""

from __future__ import annotations

from django.urls import path

from core_apps.orders import api as orders_api

urlpatterns = [
    path("checkout/", orders_api.CheckoutApi.as_view(), name="checkout"),
    path("orders/", orders_api.OrderListApi.as_view(), name="orders"),
    path("positions/", orders_api.PositionListApi.as_view(), name="positions"),
    path("invoices/", orders_api.InvoiceListApi.as_view(), name="invoices"),
    path("waitlist-entries/", orders_api.WaitlistEntryListApi.as_view(), name="waitlist-entries"),
    path("promo-codes/", orders_api.PromoCodeListApi.as_view(), name="promo-codes"),
    path("orders/<str:code>/", orders_api.OrderDetailApi.as_view(), name="order"),
    path("orders/<str:code>/pay/", orders_api.OrderPayApi.as_view(), name="order-pay"),
    path("orders/<str:code>/cancel/", orders_api.OrderCancelApi.as_view(), name="order-cancel"),
    path(
        "orders/<str:code>/cancellation-terms/",
        orders_api.OrderCancelTermsApi.as_view(),
        name="order-cancel-terms",
    ),
    path(
        "partner-claims/<str:token>/",
        orders_api.PartnerClaimApi.as_view(),
        name="partner-claim",
    ),
    path(
        "orders/<str:code>/mark-paid/",
        orders_api.OrderMarkPaidApi.as_view(),
        name="order-mark-paid",
    ),
    path("orders/<str:code>/refund/", orders_api.OrderRefundApi.as_view(), name="order-refund"),
    path(
        "orders/<str:code>/stripe-confirm/",
        orders_api.OrderStripeConfirmApi.as_view(),
        name="order-stripe-confirm",
    ),
    path("payments/stripe/webhook/", orders_api.StripeWebhookApi.as_view(), name="stripe-webhook"),
    path(
        "orders/<str:code>/positions/<int:position_id>/transfer/",
        orders_api.PositionTransferApi.as_view(),
        name="position-transfer",
    ),
    path("checkin/", orders_api.CheckInApi.as_view(), name="checkin"),
    path("checkin-lists/", orders_api.CheckinListListApi.as_view(), name="checkin-lists"),
    path("checkin-lists/<int:pk>/", orders_api.CheckinListDetailApi.as_view(), name="checkin-list"),
    path(
        "checkin-lists/<int:pk>/checkins/",
        orders_api.CheckinListCheckinApi.as_view(),
        name="checkin-list-checkin",
    ),
    path(
        "checkin-lists/<int:pk>/checkins/<int:checkin_id>/undo/",
        orders_api.CheckinUndoApi.as_view(),
        name="checkin-undo",
    ),
    path(
        "checkin-lists/<int:pk>/search/",
        orders_api.CheckinListSearchApi.as_view(),
        name="checkin-list-search",
    ),
    path(
        "products/<int:pk>/attendees.<str:fmt>",
        orders_api.AttendeeExportApi.as_view(),
        name="product-attendees",
    ),
    path("waitlist/", orders_api.WaitlistJoinApi.as_view(), name="waitlist-join"),
    path(
        "waitlist/<str:secret>/claim/", orders_api.WaitlistClaimApi.as_view(), name="waitlist-claim"
    ),
    path(
        "waitlist/<str:secret>/decline/",
        orders_api.WaitlistDeclineApi.as_view(),
        name="waitlist-decline",
    ),
]
