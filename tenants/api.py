from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from tenants.serializers import CommunitySerializer


class CommunityDetailApi(APIView):
    """The community this host belongs to."""

    permission_classes = [AllowAny]

    @extend_schema(responses=CommunitySerializer, operation_id="community_retrieve")
    def get(self, request: Request) -> Response:
        return Response(CommunitySerializer(request.tenant).data)  # type: ignore[attr-defined]
