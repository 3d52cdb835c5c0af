"""The community API, served under ``/api/v1/`` on every community host."""

from __future__ import annotations

from django.urls import include, path, re_path
from drf_spectacular.utils import extend_schema
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.decorators import api_view, permission_classes, renderer_classes
from rest_framework.permissions import AllowAny
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from core_apps.artists import api as artists_api
from core_apps.events.api import EventDetailApi, EventListApi
from core_apps.orders import api as orders_api
from core_apps.ticketing.api import (
    ProductDetailApi,
    ProductListApi,
    QuotaDetailApi,
    QuotaListApi,
)
from core_apps.venues import api as venues_api
from pista.api.exceptions import api_not_found_response
from tenants.api import CommunityDetailApi
from tenants.domain_api import DomainCheckApi, DomainDetailApi, DomainListApi, DomainPrimaryApi


@extend_schema(exclude=True)
@api_view(["GET", "POST", "PUT", "PATCH", "DELETE"])
@permission_classes([AllowAny])
@renderer_classes([JSONRenderer])
def api_not_found(request: Request, unmatched: str = "") -> Response:
    return api_not_found_response()


app_name = "api"
urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
    path("community/", CommunityDetailApi.as_view(), name="community"),
    path("events/", EventListApi.as_view(), name="events"),
    path("events/<int:pk>/", EventDetailApi.as_view(), name="event"),
    path("products/", ProductListApi.as_view(), name="products"),
    path("products/<int:pk>/", ProductDetailApi.as_view(), name="product"),
    path("quotas/", QuotaListApi.as_view(), name="quotas"),
    path("quotas/<int:pk>/", QuotaDetailApi.as_view(), name="quota"),
    path("artists/", artists_api.ArtistListApi.as_view(), name="artists"),
    path("artists/<int:pk>/", artists_api.ArtistDetailApi.as_view(), name="artist"),
    path("artists/<int:pk>/invite/", artists_api.ArtistInviteApi.as_view(), name="artist-invite"),
    path(
        "artists/<int:pk>/availability/",
        artists_api.ArtistAvailabilityApi.as_view(),
        name="artist-availability",
    ),
    path("artist-bookings/", artists_api.ArtistBookingListApi.as_view(), name="artist-bookings"),
    path(
        "artist-bookings/<int:pk>/",
        artists_api.ArtistBookingDetailApi.as_view(),
        name="artist-booking",
    ),
    *[
        path(
            f"artist-bookings/<int:pk>/{action}/",
            artists_api.ArtistBookingActionApi.as_view(action_name=action),
            name=f"artist-booking-{action}",
        )
        for action in ("counter", "accept", "decline", "withdraw", "deposit")
    ],
    path("venues/", venues_api.VenueListApi.as_view(), name="venues"),
    path("venues/<int:pk>/", venues_api.VenueDetailApi.as_view(), name="venue"),
    path(
        "venues/<int:pk>/blackouts/", venues_api.VenueBlackoutApi.as_view(), name="venue-blackouts"
    ),
    path(
        "spaces/<int:pk>/availability/",
        venues_api.SpaceAvailabilityApi.as_view(),
        name="space-availability",
    ),
    path("spaces/<int:pk>/quote/", venues_api.SpaceQuoteApi.as_view(), name="space-quote"),
    path("space-bookings/", venues_api.SpaceBookingListApi.as_view(), name="space-bookings"),
    path(
        "space-bookings/<int:pk>/",
        venues_api.SpaceBookingDetailApi.as_view(),
        name="space-booking",
    ),
    *[
        path(
            f"space-bookings/<int:pk>/{action}/",
            venues_api.SpaceBookingActionApi.as_view(action_name=action),
            name=f"space-booking-{action}",
        )
        for action in ("approve", "decline", "cancel")
    ],
    path(
        "space-booking-series/<int:pk>/approve/",
        venues_api.SpaceBookingSeriesApproveApi.as_view(),
        name="space-booking-series-approve",
    ),
    path("", include("core_apps.community.api_urls")),
    path("domains/", DomainListApi.as_view(), name="domains"),
    path("domains/<int:domain_id>/", DomainDetailApi.as_view(), name="domain"),
    path("domains/<int:domain_id>/check/", DomainCheckApi.as_view(), name="domain-check"),
    path("domains/<int:domain_id>/primary/", DomainPrimaryApi.as_view(), name="domain-primary"),
    path("checkout/", orders_api.CheckoutApi.as_view(), name="checkout"),
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
    re_path(r"^(?P<unmatched>.*)$", api_not_found, name="not-found"),
]
