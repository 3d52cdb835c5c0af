"""Filtering and ordering of the API's lists, strict about their input.

Lists declare a django-filter ``FilterSet`` (``filterset_class``) and the
fields they may be ordered by (``ordering_fields``). A malformed filter value
answers 400 ``invalid_filter`` with the per-parameter messages, an unknown
query parameter 400 ``unknown_parameter``, an unknown ordering 400
``invalid_ordering``: a partner's typo never silently returns everything.
"""

from __future__ import annotations

from datetime import UTC
from typing import Any

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from django_filters.fields import IsoDateTimeField
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework.filters import OrderingFilter
from rest_framework.request import Request

from pista.errors import ApplicationError

# Query parameters every list takes besides its filters.
LIST_PARAMETERS = frozenset({"page", "page_size", "ordering"})


class InvalidFilter(ApplicationError):
    default_code = "invalid_filter"


class StrictFilterBackend(DjangoFilterBackend):
    """django-filter, with invalid values and unknown parameters refused."""

    def filter_queryset(self, request: Request, queryset: QuerySet[Any], view: Any) -> Any:
        filterset = self.get_filterset(request, queryset, view)
        known = LIST_PARAMETERS | (set(filterset.filters) if filterset is not None else set())
        unknown = sorted(set(request.query_params) - known)
        if unknown:
            raise InvalidFilter(
                str(_("Unknown query parameters: %(names)s.")) % {"names": ", ".join(unknown)},
                code="unknown_parameter",
                extra={"known": sorted(known)},
            )
        if filterset is None:
            return queryset
        if not filterset.is_valid():
            raise InvalidFilter(
                str(_("Some filters have invalid values.")),
                extra={"errors": {name: list(errors) for name, errors in filterset.errors.items()}},
            )
        return filterset.qs


class StrictOrderingFilter(OrderingFilter):
    """``?ordering=<field>`` or ``-<field>`` among the view's ``ordering_fields``
    (one field; the primary key breaks ties), documented as an enum."""

    def _choices(self, view: Any) -> list[str]:
        fields = list(getattr(view, "ordering_fields", []))
        return [*fields, *(f"-{field}" for field in fields)]

    def get_ordering(self, request: Request, queryset: QuerySet[Any], view: Any) -> list[str]:
        raw = request.query_params.get(self.ordering_param)
        if raw is None:
            return list(getattr(view, "ordering", ["-pk"]))
        choices = self._choices(view)
        if raw not in choices:
            raise InvalidFilter(
                str(_("ordering must be one of: %(choices)s.")) % {"choices": ", ".join(choices)},
                code="invalid_ordering",
            )
        return [raw, "-pk" if raw.startswith("-") else "pk"]

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        return [
            {
                "name": self.ordering_param,
                "required": False,
                "in": "query",
                "description": str(self.ordering_description),
                "schema": {"type": "string", "enum": self._choices(view)},
            }
        ]


class IdFilter(django_filters.NumberFilter):
    """An object id: a whole number PostgreSQL's ``integer`` holds."""

    field_class = forms.IntegerField

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", 2**31 - 1)
        super().__init__(*args, **kwargs)


class BooleanFilter(django_filters.TypedChoiceFilter):
    """``true`` or ``false``; anything else is refused (django-filter's own
    boolean filter ignores what it cannot read)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("choices", [("true", "true"), ("false", "false")])
        kwargs.setdefault("coerce", lambda value: value == "true")
        super().__init__(*args, **kwargs)


# Years a date filter takes: PostgreSQL stores more, but nothing here is older
# or further ahead, and far-off years overflow once converted to UTC.
YEARS = (1900, 2999)


class _UtcDateTimeField(IsoDateTimeField):
    def to_python(self, value: Any) -> Any:
        moment = super().to_python(value)
        if moment is None:
            return None
        try:
            # In UTC: PostgreSQL refuses offsets beyond ±15:59, Python has ±23:59.
            moment = moment.astimezone(UTC)
        except OverflowError:
            moment = None
        if moment is None or not YEARS[0] <= moment.year <= YEARS[1]:
            raise ValidationError(
                _("Enter a date and time from %(first)d to %(last)d."),
                code="invalid",
                params={"first": YEARS[0], "last": YEARS[1]},
            )
        return moment


class DateTimeFilter(django_filters.IsoDateTimeFilter):
    """An ISO 8601 date and time (``2030-01-31T20:00:00+01:00``), compared in UTC."""

    field_class = _UtcDateTimeField
