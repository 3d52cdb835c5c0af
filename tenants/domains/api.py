"""The custom-domains API under ``/api/v1/domains/`` on a community host.

Thin views: every permission and rule lives in tenants.domains.services.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core_apps.accounts.request import authed_user
from tenants.current import request_community
from tenants.domains.selectors import domains_of_community
from tenants.domains.serializers import DomainCreateSerializer, DomainSerializer
from tenants.domains.services import (
    domain_add,
    domain_check_request,
    domain_make_primary,
    domain_manager_check,
    domain_of_community,
    domain_remove,
)
from tenants.models import Domain


class DomainListApi(generics.ListAPIView):
    """The community's domains (paginated), and adding one."""

    permission_classes = [AllowAny]  # checked by the services: owners and admins only
    serializer_class = DomainSerializer

    def get_queryset(self) -> QuerySet[Domain]:
        return domains_of_community(
            community=request_community(self.request),
            actor=authed_user(self.request),
        )

    @extend_schema(operation_id="domains_list")
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    @extend_schema(
        request=DomainCreateSerializer,
        responses={201: DomainSerializer},
        operation_id="domains_create",
    )
    def post(self, request: Request) -> Response:
        domain_manager_check(community=request_community(request), actor=authed_user(request))
        serializer = DomainCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        domain = domain_add(
            community=request_community(request),
            actor=authed_user(request),
            domain=serializer.validated_data["domain"],
        )
        return Response(DomainSerializer(domain).data, status=status.HTTP_201_CREATED)


class DomainDetailApi(APIView):
    permission_classes = [AllowAny]

    @extend_schema(responses=DomainSerializer, operation_id="domains_retrieve")
    def get(self, request: Request, domain_id: int) -> Response:
        community = request_community(request)
        domain_manager_check(community=community, actor=authed_user(request))
        domain = domain_of_community(community=community, domain_id=domain_id)
        return Response(DomainSerializer(domain).data)

    @extend_schema(responses={204: None}, operation_id="domains_destroy")
    def delete(self, request: Request, domain_id: int) -> Response:
        domain_remove(
            community=request_community(request), actor=authed_user(request), domain_id=domain_id
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


class DomainCheckApi(APIView):
    permission_classes = [AllowAny]

    @extend_schema(request=None, responses=DomainSerializer, operation_id="domains_check")
    def post(self, request: Request, domain_id: int) -> Response:
        domain = domain_check_request(
            community=request_community(request),
            actor=authed_user(request),
            domain_id=domain_id,
        )
        # The check runs in a Celery task once this request commits: 202.
        return Response(DomainSerializer(domain).data, status=status.HTTP_202_ACCEPTED)


class DomainPrimaryApi(APIView):
    permission_classes = [AllowAny]

    @extend_schema(request=None, responses=DomainSerializer, operation_id="domains_make_primary")
    def post(self, request: Request, domain_id: int) -> Response:
        domain = domain_make_primary(
            community=request_community(request),
            actor=authed_user(request),
            domain_id=domain_id,
        )
        return Response(DomainSerializer(domain).data)
