"""The API's page-number pagination: bounded, and strict about its parameters."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from rest_framework import pagination
from rest_framework.request import Request

from pista.errors import ApplicationError


class InvalidPagination(ApplicationError):
    default_code = "invalid_page_size"


def _positive_int(raw: str) -> int | None:
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) <= 9 else None


class PageNumberPagination(pagination.PageNumberPagination):
    """Paginated lists: ``?page=N&page_size=M`` (1 to 200 per page). A page size
    out of bounds or not a number answers 400 ``invalid_page_size``, a page that
    is not a positive number 400 ``invalid_page``, a page past the end 404."""

    page_size_query_param = "page_size"
    max_page_size = 200

    def get_page_size(self, request: Request) -> int | None:
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        size = _positive_int(raw)
        if size is None or not 1 <= size <= self.max_page_size:
            raise InvalidPagination(
                str(_("page_size must be a whole number from 1 to %(max)d."))
                % {"max": self.max_page_size}
            )
        return size

    def paginate_queryset(
        self, queryset: QuerySet[Any], request: Request, view: Any = None
    ) -> list[Any] | None:
        raw = request.query_params.get(self.page_query_param)
        if raw is not None and raw != "last" and not (_positive_int(raw) or 0) >= 1:
            raise InvalidPagination(
                str(_("page must be a whole number from 1.")), code="invalid_page"
            )
        return super().paginate_queryset(queryset, request, view)

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_query_param:
                parameter["schema"] = {"type": "integer", "minimum": 1, "maximum": 999_999_999}
            elif parameter["name"] == self.page_size_query_param:
                parameter["schema"] = {
                    "type": "integer",
                    "minimum": 1,
                    "maximum": self.max_page_size,
                }
        return parameters
