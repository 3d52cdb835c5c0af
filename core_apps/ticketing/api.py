"""Catalogue API: organizers create and update products and quotas.

Permissions are checked by the services; these views only parse and render.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.generics import ListAPIView
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core_apps.accounts.request import authed_user
from core_apps.ticketing.filters import ProductFilter, QuotaFilter
from core_apps.ticketing.models import Product, Quota
from core_apps.ticketing.selectors import (
    product_for_staff,
    products_for_staff,
    quota_for_staff,
    quotas_for_staff,
)
from core_apps.ticketing.serializers import (
    ProductSerializer,
    ProductWriteSerializer,
    QuotaSerializer,
    QuotaWriteSerializer,
)
from core_apps.ticketing.services import (
    product_create,
    product_update,
    quota_create,
    quota_update,
)
from pista.api.filtering import StrictFilterBackend, StrictOrderingFilter
from pista.errors import PermissionDenied


def _staff_require(request: Request, perm: str) -> None:
    # Reading unpublished catalogue data is for staff; writes check again in services.
    if not request.user.has_perm(perm):
        raise PermissionDenied(_("You may not manage the catalogue of this community."))


class ProductListApi(ListAPIView):
    permission_classes = [IsAuthenticated]
    serializer_class = ProductSerializer
    filter_backends = [StrictFilterBackend, StrictOrderingFilter]
    filterset_class = ProductFilter
    ordering_fields = ["id", "name", "sale_starts_at"]
    ordering = ["-pk"]

    def get_queryset(self) -> QuerySet[Product]:
        return products_for_staff()

    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """The community's products, drafts and archived ones included (staff)."""
        _staff_require(request, "ticketing.view_product")
        return super().get(request, *args, **kwargs)

    @extend_schema(request=ProductWriteSerializer, responses={201: ProductSerializer})
    def post(self, request: Request) -> Response:
        serializer = ProductWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data: dict[str, Any] = dict(serializer.validated_data)
        product = product_create(actor=authed_user(request), **data)
        return Response(ProductSerializer(product).data, status=status.HTTP_201_CREATED)


class ProductDetailApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses=ProductSerializer)
    def get(self, request: Request, pk: int) -> Response:
        _staff_require(request, "ticketing.view_product")
        return Response(ProductSerializer(product_for_staff(pk=pk)).data)

    @extend_schema(request=ProductWriteSerializer, responses=ProductSerializer)
    def patch(self, request: Request, pk: int) -> Response:
        product = product_for_staff(pk=pk)
        serializer = ProductWriteSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        product = product_update(
            actor=authed_user(request),
            product=product,
            **serializer.validated_data,
        )
        return Response(ProductSerializer(Product.objects.get(pk=product.pk)).data)


class QuotaListApi(ListAPIView):
    permission_classes = [IsAuthenticated]
    serializer_class = QuotaSerializer
    filter_backends = [StrictFilterBackend, StrictOrderingFilter]
    filterset_class = QuotaFilter
    ordering_fields = ["id", "name", "size"]
    ordering = ["pk"]

    def get_queryset(self) -> QuerySet[Quota]:
        return quotas_for_staff()

    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """The community's quotas (staff)."""
        _staff_require(request, "ticketing.view_quota")
        return super().get(request, *args, **kwargs)

    @extend_schema(request=QuotaWriteSerializer, responses={201: QuotaSerializer})
    def post(self, request: Request) -> Response:
        serializer = QuotaWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        quota = quota_create(actor=authed_user(request), **serializer.validated_data)
        return Response(QuotaSerializer(quota).data, status=status.HTTP_201_CREATED)


class QuotaDetailApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses=QuotaSerializer)
    def get(self, request: Request, pk: int) -> Response:
        _staff_require(request, "ticketing.view_quota")
        return Response(QuotaSerializer(quota_for_staff(pk=pk)).data)

    @extend_schema(request=QuotaWriteSerializer, responses=QuotaSerializer)
    def patch(self, request: Request, pk: int) -> Response:
        serializer = QuotaWriteSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        quota = quota_update(
            actor=authed_user(request),
            quota=quota_for_staff(pk=pk),
            **serializer.validated_data,
        )
        return Response(QuotaSerializer(quota).data)
