from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core_apps.accounts.request import authed_user
from tenants.current import request_community
from tenants.provisioning.serializers import CommunitySerializer, CommunityUpdateSerializer
from tenants.provisioning.services import community_settings_update


class CommunityDetailApi(APIView):
    """The community this host belongs to; its owners and admins may change it."""

    permission_classes = [AllowAny]  # PATCH is checked by the service

    @extend_schema(responses=CommunitySerializer, operation_id="community_retrieve")
    def get(self, request: Request) -> Response:
        return Response(CommunitySerializer(request_community(request)).data)

    @extend_schema(
        request=CommunityUpdateSerializer,
        responses=CommunitySerializer,
        operation_id="community_partial_update",
    )
    def patch(self, request: Request) -> Response:
        serializer = CommunityUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        community = community_settings_update(
            community=request_community(request),
            actor=authed_user(request),
            **serializer.validated_data,
        )
        return Response(CommunitySerializer(community).data)
