from __future__ import annotations

from rest_framework import pagination


class PageNumberPagination(pagination.PageNumberPagination):
    """Paginated lists: ``?page=N&page_size=M`` (at most 200 per page)."""

    page_size_query_param = "page_size"
    max_page_size = 200
