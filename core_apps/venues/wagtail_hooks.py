"""Staff manage venues, spaces and opening hours from the CMS.

Blackout dates are added in the back office (``/manage/venues/``) through
``venue_blackout_add``, which refuses a day with confirmed bookings: here they
are read-only. Space bookings change only through the workflow in
``services``; they are not shown here.
"""

from __future__ import annotations

from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from cms.snippets import ReadOnlySnippetViewSet
from core_apps.venues.models import BlackoutDate, OpeningHours, Space, Venue


class VenueViewSet(SnippetViewSet):
    model = Venue
    icon = "home"
    list_display = ["name", "time_zone"]
    search_fields = ["name", "address"]


class SpaceViewSet(SnippetViewSet):
    model = Space
    icon = "table"
    list_display = ["name", "venue", "capacity", "hourly_rate_minor", "auto_approve"]


class OpeningHoursViewSet(SnippetViewSet):
    model = OpeningHours
    icon = "time"
    list_display = ["venue", "weekday", "opens", "closes"]


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
