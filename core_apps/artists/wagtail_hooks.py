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


register_snippet(ArtistProfileViewSet)
