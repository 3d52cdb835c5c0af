"""Orders API: checkout for shops and the bench, orders by magic link, staff
actions and check-in for scanner apps. Views parse, call one service, render."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import HttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.generics import ListAPIView
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core_apps.accounts.request import authed_user
from core_apps.events.selectors import event_date_for_staff, event_for_staff
from core_apps.integrations.api import idempotent
from core_apps.orders import selectors, services
from core_apps.orders.exports import attendees_csv, attendees_xlsx
from core_apps.orders.filters import (
    InvoiceFilter,
    OrderFilter,
    PositionFilter,
    PromoCodeFilter,
    WaitlistEntryFilter,
)
from core_apps.orders.serializers import (
    CheckinListCountsSerializer,
    CheckinListSerializer,
    CheckinListWriteSerializer,
    CheckinResultSerializer,
    CheckinSearchResultSerializer,
    CheckInSerializer,
    CheckoutInSerializer,
    InvoiceSerializer,
    OrderSerializer,
    PaySerializer,
    PositionListSerializer,
    PromoCodeSerializer,
    RefundSerializer,
    SecretSerializer,
    TransferSerializer,
    WaitlistClaimSerializer,
    WaitlistEntrySerializer,
    WaitlistJoinSerializer,
)
from core_apps.ticketing.salequeue.admission import (
    PASS_HEADER,
    pass_token_from_request,
    sale_queue_admission_for_products,
    sale_queue_pass_redeem,
)
from core_apps.ticketing.selectors import product_for_staff, product_on_sale
from pista.api.filtering import StrictFilterBackend, StrictOrderingFilter
from pista.api.pagination import PageNumberPagination
from pista.errors import NotFound, PermissionDenied


def _staff(request: Request, perm: str) -> Any:
    if not request.user.is_authenticated or not request.user.has_perm(perm):
        raise PermissionDenied(_("Staff only."))
    return request.user


class CheckoutApi(APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        request=CheckoutInSerializer,
        responses={201: OrderSerializer},
        parameters=[
            OpenApiParameter(
                PASS_HEADER,
                str,
                OpenApiParameter.HEADER,
                required=False,
                description=(
                    "For an event sold through its on-sale queue: the pass the line "
                    "gave (`GET /queue/<event>/status/` once admitted; browsers send "
                    "the cookie instead). Without one 403 `queue_pass_required`; "
                    "forged 403 `queue_pass_invalid`, expired 410 `queue_pass_expired`, "
                    "already used for an order 409 `queue_pass_used`."
                ),
            )
        ],
    )
    @idempotent
    def post(self, request: Request) -> Response:
        serializer = CheckoutInSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = request.user if request.user.is_authenticated else None
        checkout = serializer.to_service_kwargs()
        admission = sale_queue_admission_for_products(
            product_ids=[line.product_id for line in checkout["lines"]],
            pass_token=lambda event_id: pass_token_from_request(request, event_id),
        )
        with sale_queue_pass_redeem(admission) as held:
            result = services.order_checkout(user=user, **checkout)
            if held is not None:  # the queue's pass is used once it placed an order
                held.consumed = result.order is not None
        waitlisted = WaitlistEntrySerializer(result.waitlisted, many=True).data
        if result.order is None:
            return Response(
                {"order": None, "secret": None, "waitlisted": waitlisted},
                status=status.HTTP_202_ACCEPTED,
            )
        return Response(
            {
                "order": OrderSerializer(result.order).data,
                "secret": result.order.secret,
                "client_secret": result.client_secret,
                "waitlisted": waitlisted,
            },
            status=status.HTTP_201_CREATED,
        )


class OrderDetailApi(APIView):
    permission_classes = [AllowAny]

    @extend_schema(responses=OrderSerializer)
    def get(self, request: Request, code: str) -> Response:
        order = selectors.order_for_request(
            code=code,
            secret=request.query_params.get("secret", ""),
            actor=request.user if request.user.is_authenticated else None,
        )
        if order.status == order.Status.PENDING:
            services.order_expire(order=order)  # the lazy hold check
        return Response(OrderSerializer(order).data)


class OrderPayApi(APIView):
    """The development card (provider ``simulated``)."""

    permission_classes = [AllowAny]

    @extend_schema(request=PaySerializer, responses=OrderSerializer)
    @idempotent
    def post(self, request: Request, code: str) -> Response:
        serializer = PaySerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        order = selectors.order_for_buyer(code=code, secret=serializer.validated_data["secret"])
        order = services.order_pay_simulated(
            order=order, card_number=serializer.validated_data["card_number"]
        )
        return Response(OrderSerializer(order).data)


class OrderCancelApi(APIView):
    """Cancel a pending (or free) order; the buyer of a paid order cancels it
    within the products' policy window (refund to the original payment), else
    409 ``cancel_window_closed`` / ``cancel_not_allowed``."""

    permission_classes = [AllowAny]

    @extend_schema(request=SecretSerializer, responses=OrderSerializer)
    def post(self, request: Request, code: str) -> Response:
        actor = request.user if request.user.is_authenticated else None
        order = selectors.order_for_request(
            code=code, secret=str(request.data.get("secret", "")), actor=actor
        )
        if order.status == order.Status.PENDING or (
            order.status == order.Status.PAID and order.total_minor == 0
        ):
            order = services.order_cancel(order=order, actor=actor, reason="requested")
        else:
            order = services.order_self_cancel(order=order, actor=actor)
        return Response(OrderSerializer(order).data)


class OrderCancelTermsApi(APIView):
    """Whether the buyer may cancel now, the refund and the deadline."""

    permission_classes = [AllowAny]

    @extend_schema(responses={200: OpenApiTypes.OBJECT})
    def get(self, request: Request, code: str) -> Response:
        actor = request.user if request.user.is_authenticated else None
        order = selectors.order_for_request(
            code=code, secret=request.query_params.get("secret", ""), actor=actor
        )
        terms = selectors.order_self_cancel_terms(order=order)
        return Response(
            {
                "allowed": terms.allowed,
                "code": terms.reason or "cancel_allowed",
                "refund_minor": terms.refund_minor,
                "deadline": terms.deadline.isoformat() if terms.deadline else None,
            }
        )


class PartnerClaimApi(APIView):
    """A partner claims their own ticket of a couple registration with the
    signed link they were emailed, signed in with the account of that email."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses={200: OpenApiTypes.OBJECT})
    def post(self, request: Request, token: str) -> Response:
        position = services.partner_claim(token=token, user=authed_user(request))
        return Response(
            {
                "code": "claimed",
                "position": position.pk,
                "order": position.order.code,
                "attendee_name": position.attendee_name,
                "role": position.role_admitted,
                "partner": position.partner_id,
            }
        )


class OrderMarkPaidApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses=OrderSerializer)
    def post(self, request: Request, code: str) -> Response:
        actor = _staff(request, "orders.change_order")
        order = selectors.order_for_staff(code=code, actor=actor)
        order = services.order_mark_paid(
            order=order, actor=actor, provider=order.provider, reference="staff"
        )
        return Response(OrderSerializer(order).data)


class OrderRefundApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=RefundSerializer, responses=OrderSerializer)
    @idempotent
    def post(self, request: Request, code: str) -> Response:
        actor = _staff(request, "orders.change_order")
        serializer = RefundSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        order = selectors.order_for_staff(code=code, actor=actor)
        order = services.order_refund(
            order=order, actor=actor, amount_minor=serializer.validated_data["amount_minor"]
        )
        return Response(OrderSerializer(order).data)


class CheckInApi(APIView):
    """Scan a ticket on its event's default list (scanner apps should use a
    list: ``checkin-lists/{id}/checkins/``)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=CheckInSerializer, responses={200: OpenApiTypes.OBJECT})
    def post(self, request: Request) -> Response:
        actor = _staff(request, "orders.add_checkin")
        serializer = CheckInSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        result = services.position_check_in(actor=actor, **serializer.validated_data)
        return Response(_checkin_result(result))


class AttendeeExportApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(exclude=True)
    def get(self, request: Request, pk: int, fmt: str) -> HttpResponse:
        _staff(request, "orders.view_order")
        product = product_for_staff(pk=pk)
        positions = selectors.attendees_for_product(product_id=product.pk)
        if fmt == "xlsx":
            response = HttpResponse(
                attendees_xlsx(product=product, positions=positions),
                content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            )
        else:
            response = HttpResponse(
                attendees_csv(product=product, positions=positions), content_type="text/csv"
            )
        response["Content-Disposition"] = f'attachment; filename="attendees-{product.pk}.{fmt}"'
        return response


class WaitlistJoinApi(APIView):
    permission_classes = [AllowAny]

    @extend_schema(request=WaitlistJoinSerializer, responses={201: WaitlistEntrySerializer})
    def post(self, request: Request) -> Response:
        serializer = WaitlistJoinSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        product = product_on_sale(pk=data.pop("product"))
        if product is None:
            raise NotFound(_("No such product on sale here."), code="product_unavailable")
        entry = services.waitlist_join(product=product, **data)
        return Response(
            {**WaitlistEntrySerializer(entry).data, "secret": entry.secret},
            status=status.HTTP_201_CREATED,
        )


class WaitlistClaimApi(APIView):
    permission_classes = [AllowAny]

    @extend_schema(request=WaitlistClaimSerializer, responses={201: OpenApiTypes.OBJECT})
    def post(self, request: Request, secret: str) -> Response:
        serializer = WaitlistClaimSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        entry = selectors.waitlist_entry_by_secret(secret=secret)
        order = services.waitlist_claim(entry=entry, provider=serializer.validated_data["provider"])
        return Response(
            {"order": OrderSerializer(order).data, "secret": order.secret},
            status=status.HTTP_201_CREATED,
        )


class WaitlistDeclineApi(APIView):
    permission_classes = [AllowAny]

    @extend_schema(request=None, responses=WaitlistEntrySerializer)
    def post(self, request: Request, secret: str) -> Response:
        entry = selectors.waitlist_entry_by_secret(secret=secret)
        services.waitlist_decline(entry=entry)
        entry.refresh_from_db()
        return Response(WaitlistEntrySerializer(entry).data)


class OrderStripeConfirmApi(APIView):
    """Where the buyer's browser returns after the card page."""

    permission_classes = [AllowAny]

    @extend_schema(request=SecretSerializer, responses=OrderSerializer)
    def post(self, request: Request, code: str) -> Response:
        serializer = SecretSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        order = selectors.order_for_buyer(code=code, secret=serializer.validated_data["secret"])
        return Response(OrderSerializer(services.order_stripe_confirm(order=order)).data)


class StripeWebhookApi(APIView):
    """Stripe's webhook: verified, stored raw, processed once in a task."""

    permission_classes = [AllowAny]
    authentication_classes: list[type] = []

    @extend_schema(exclude=True)
    def post(self, request: Request) -> Response:
        event_id, created = services.stripe_event_receive(
            payload=request.body, signature=request.headers.get("Stripe-Signature", "")
        )
        return Response({"code": "received" if created else "duplicate", "event": event_id})


class PositionTransferApi(APIView):
    """The buyer (with the order's magic-link secret) or staff hand a ticket on."""

    permission_classes = [AllowAny]

    @extend_schema(request=TransferSerializer, responses={200: OpenApiTypes.OBJECT})
    def post(self, request: Request, code: str, position_id: int) -> Response:
        serializer = TransferSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        actor = request.user if request.user.is_authenticated else None
        order = selectors.order_for_request(code=code, secret=data["secret"], actor=actor)
        position = order.positions.filter(pk=position_id).first()
        if position is None:
            raise NotFound(_("No such ticket in this order."))
        position = services.position_transfer(
            position=position,
            name=data["name"],
            email=data["email"],
            role=data["role"],
            actor=actor,
        )
        return Response(
            {
                "id": position.pk,
                "attendee_name": position.attendee_name,
                "role": position.role_admitted,
            }
        )


# --- Check-in lists, for scanner apps ----------------------------------------------


def _checkin_result(result: services.CheckInResult) -> dict[str, Any]:
    position = result.position
    return {
        "code": "checked_in",
        "checkin": result.checkin.pk if result.checkin else None,
        "position": position.pk,
        "order": position.order.code,
        "attendee_name": position.attendee_name,
        "product": position.product.name,
        "role": position.role_admitted,
        "checkins_left": result.checkins_left,
    }


class CheckinListListApi(APIView):
    """Check-in lists of the community (``?event=ID`` for one event's); staff
    with the check-in permission."""

    pagination_class = PageNumberPagination
    permission_classes = [IsAuthenticated]

    @extend_schema(
        parameters=[OpenApiParameter("event", int, description="only this event's lists")],
        responses=CheckinListSerializer(many=True),
    )
    def get(self, request: Request) -> Response:
        _staff(request, "orders.add_checkin")
        raw = request.query_params.get("event", "")
        lists = selectors.checkin_lists_for_staff(event_id=int(raw) if raw.isdigit() else None)
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(lists.prefetch_related("products"), request, view=self)
        return paginator.get_paginated_response(CheckinListSerializer(page, many=True).data)

    @extend_schema(request=CheckinListWriteSerializer, responses={201: CheckinListSerializer})
    def post(self, request: Request) -> Response:
        actor = _staff(request, "orders.change_checkinlist")
        serializer = CheckinListWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        event = event_for_staff(pk=data["event"])
        checkin_list = services.checkin_list_create(
            actor=actor,
            event=event,
            name=data["name"],
            event_date=event_date_for_staff(pk=data["event_date"]) if data["event_date"] else None,
            products=[product_for_staff(pk=pk) for pk in dict.fromkeys(data["products"])],
        )
        return Response(
            CheckinListSerializer(selectors.checkin_list_for_staff(pk=checkin_list.pk)).data,
            status=status.HTTP_201_CREATED,
        )


class CheckinListDetailApi(APIView):
    """One list with its live counts."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: OpenApiTypes.OBJECT})
    def get(self, request: Request, pk: int) -> Response:
        _staff(request, "orders.add_checkin")
        checkin_list = selectors.checkin_list_for_staff(pk=pk)
        counts = selectors.checkin_list_counts(checkin_list=checkin_list)
        return Response(
            {
                **CheckinListSerializer(checkin_list).data,
                "counts": CheckinListCountsSerializer(counts).data,
            }
        )


class CheckinListCheckinApi(APIView):
    """Scan a ticket on this list: 200 ``checked_in``; 404 ``ticket_unknown``;
    409 ``already_checked_in`` (with ``extra.first_at``), ``wrong_event``,
    ``product_not_on_list``, ``wrong_date``, ``ticket_invalid``,
    ``pack_used_up``, ``membership_expired`` …"""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=CheckInSerializer, responses={200: CheckinResultSerializer})
    def post(self, request: Request, pk: int) -> Response:
        actor = _staff(request, "orders.add_checkin")
        serializer = CheckInSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        checkin_list = selectors.checkin_list_for_staff(pk=pk)
        result = services.position_check_in(
            actor=actor, checkin_list=checkin_list, **serializer.validated_data
        )
        return Response(_checkin_result(result))


class CheckinUndoApi(APIView):
    """Take back an admission made on this list by mistake."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses={200: OpenApiTypes.OBJECT})
    def post(self, request: Request, pk: int, checkin_id: int) -> Response:
        actor = _staff(request, "orders.add_checkin")
        checkin_list = selectors.checkin_list_for_staff(pk=pk)
        checkin = selectors.checkin_for_staff(pk=checkin_id, checkin_list=checkin_list)
        checkin = services.checkin_undo(checkin=checkin, actor=actor)
        return Response(
            {
                "code": "undone",
                "checkin": checkin.pk,
                "undone_at": checkin.undone_at.isoformat() if checkin.undone_at else None,
            }
        )


class CheckinListSearchApi(APIView):
    """Tickets this list admits by attendee name, email or order code."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        parameters=[OpenApiParameter("q", str, description="name, email or order code")],
        responses=CheckinSearchResultSerializer(many=True),
    )
    def get(self, request: Request, pk: int) -> Response:
        _staff(request, "orders.add_checkin")
        checkin_list = selectors.checkin_list_for_staff(pk=pk)
        found = selectors.checkin_list_search(
            checkin_list=checkin_list, query=request.query_params.get("q", "")[:100]
        )
        return Response(CheckinSearchResultSerializer(found, many=True).data)


# --- Staff lists: filtered (django-filter), ordered, paginated --------------------


class _StaffListApi(ListAPIView):
    """A staff list: ``permission`` required; each list's ``get_queryset`` calls
    its selector."""

    permission_classes = [IsAuthenticated]
    filter_backends = [StrictFilterBackend, StrictOrderingFilter]
    permission = ""

    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        _staff(request, self.permission)
        return super().get(request, *args, **kwargs)


class OrderListApi(_StaffListApi):
    """The community's orders with their tickets, newest first by default."""

    permission = "orders.view_order"
    serializer_class = OrderSerializer
    filterset_class = OrderFilter
    ordering_fields = ["created", "code", "total_minor"]
    ordering = ["-created", "-pk"]

    def get_queryset(self) -> QuerySet[Any]:
        return selectors.orders_list_for_staff()


class PositionListApi(_StaffListApi):
    """The community's tickets (positions), without their QR secrets."""

    permission = "orders.view_order"
    serializer_class = PositionListSerializer
    filterset_class = PositionFilter
    ordering_fields = ["id", "attendee_name"]
    ordering = ["-pk"]

    def get_queryset(self) -> QuerySet[Any]:
        return selectors.positions_for_staff()


class InvoiceListApi(_StaffListApi):
    """The community's invoices and credit notes."""

    permission = "orders.view_order"
    serializer_class = InvoiceSerializer
    filterset_class = InvoiceFilter
    ordering_fields = ["number", "created"]
    ordering = ["-number"]

    def get_queryset(self) -> QuerySet[Any]:
        return selectors.invoices_for_staff()


class WaitlistEntryListApi(_StaffListApi):
    """The community's waitlist entries, oldest first (their order in line)."""

    permission = "orders.view_waitlistentry"
    serializer_class = WaitlistEntrySerializer
    filterset_class = WaitlistEntryFilter
    ordering_fields = ["created"]
    ordering = ["created", "pk"]

    def get_queryset(self) -> QuerySet[Any]:
        return selectors.waitlist_entries_for_staff()


class PromoCodeListApi(_StaffListApi):
    """The community's promo codes."""

    permission = "orders.view_promocode"
    serializer_class = PromoCodeSerializer
    filterset_class = PromoCodeFilter
    ordering_fields = ["code", "valid_until"]
    ordering = ["-is_active", "code"]

    def get_queryset(self) -> QuerySet[Any]:
        return selectors.promo_codes_for_staff()
