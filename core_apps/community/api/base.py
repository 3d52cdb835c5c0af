"""Shared pieces of the community API views."""

from __future__ import annotations

from typing import Any, cast

from django.db.models import QuerySet
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from pista.api.pagination import PageNumberPagination


def valid_data(serializer_class: type[Any], request: Request) -> dict[str, Any]:
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


class CommunityApi(APIView):
    permission_classes = [IsAuthenticated]

    def paginate(
        self, request: Request, items: QuerySet[Any] | list[Any], serializer: Any
    ) -> Response:
        paginator = PageNumberPagination()
        # DRF pages any sliceable sequence; its stubs only name QuerySet.
        page = paginator.paginate_queryset(cast("QuerySet[Any]", items), request, view=self)
        return paginator.get_paginated_response(serializer(page, many=True).data)
