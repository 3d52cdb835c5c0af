"""Venues, spaces, opening hours and blackout dates in the CMS, read only.

They are edited in the back office (``/manage/venues/``) through ``services``,
which check the venue's rules (no change strands a confirmed booking) and
audit every write; each list here links to the matching back-office page.
Prices are shown per locale, never in minor units. Space bookings change only
through the workflow in ``services``; they are not shown here.
"""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail.admin.ui.tables import Column, TitleColumn
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSetGroup

from cms.snippets import ReadOnlySnippetViewSet
from core_apps.venues.models import BlackoutDate, OpeningHours, Space, Venue
from pista.formats import money_format


def _back_office_column(url: Any) -> TitleColumn:
    """A column linking each row to its page in the back office."""
    return TitleColumn(
        "back_office",
        label=_("Back office"),
        accessor=lambda _obj: _("Edit in the back office"),
        get_url=url,
    )


class VenueViewSet(ReadOnlySnippetViewSet):
    model = Venue
    icon = "home"
    list_display = [
        "name",
        "time_zone",
        _back_office_column(lambda venue: reverse("manage:venue-edit", args=[venue.pk])),
    ]
    search_fields = ["name", "address"]


class SpaceViewSet(ReadOnlySnippetViewSet):
    model = Space
    icon = "table"
    list_display = [
        "name",
        "venue",
        "capacity",
        Column(
            "hourly_rate",
            label=_("Price per hour"),
            accessor=lambda space: money_format(space.hourly_rate_minor, space.currency),
        ),
        "auto_approve",
        "is_active",
        _back_office_column(
            lambda space: reverse("manage:space-edit", args=[space.venue_id, space.pk])
        ),
    ]
    # Prices are stored in minor units: the list shows them formatted instead.
    inspect_view_fields_exclude = ["hourly_rate_minor", "peak_hourly_rate_minor"]


class OpeningHoursViewSet(ReadOnlySnippetViewSet):
    model = OpeningHours
    icon = "time"
    list_display = [
        "venue",
        "weekday",
        "opens",
        "closes",
        _back_office_column(lambda hours: reverse("manage:venue-hours", args=[hours.venue_id])),
    ]


class BlackoutDateViewSet(ReadOnlySnippetViewSet):
    model = BlackoutDate
    icon = "date"
    list_display = ["venue", "date", "reason"]


class VenueAdminGroup(SnippetViewSetGroup):
    menu_label = "Venues"
    menu_icon = "home"
    menu_order = 310
    items = (VenueViewSet, SpaceViewSet, OpeningHoursViewSet, BlackoutDateViewSet)


register_snippet(VenueAdminGroup)
