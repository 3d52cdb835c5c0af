"""Artist profiles in the CMS, read only: they are edited in the back office
(``/manage/artists/``) through ``services``, which audit every change."""

from __future__ import annotations

from wagtail.snippets.models import register_snippet

from cms.snippets import ReadOnlySnippetViewSet
from core_apps.artists.models import ArtistProfile


class ArtistProfileViewSet(ReadOnlySnippetViewSet):
    model = ArtistProfile
    icon = "user"
    menu_label = "Artists"
    add_to_admin_menu = True
    menu_order = 300
    list_display = ["name", "home_city", "user", "is_public"]
    search_fields = ["name", "home_city"]
    # Fees are stored in minor units; they are shown formatted on the profile
    # and entered as decimals in the back office.
    inspect_view_fields_exclude = ["fee_class_minor", "fee_workshop_minor", "fee_weekend_minor"]


register_snippet(ArtistProfileViewSet)
