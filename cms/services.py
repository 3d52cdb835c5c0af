"""Writes to a community's Wagtail tree."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction
from wagtail.models import Page, Site

from cms.models import HomePage

if TYPE_CHECKING:
    from tenants.models import Community


@transaction.atomic
def site_provision(*, community: Community, hostname: str) -> Site:
    """Give a new community its home page and its Wagtail Site (in its schema).

    Replaces Wagtail's placeholder "Welcome" page that the template schema carries.
    """
    root = Page.get_first_root_node()
    home = HomePage.objects.first()
    for page in root.get_children().exclude(pk=home.pk if home else None):
        page.delete()
    if home is None:
        home = HomePage(title=community.name, slug="home", intro="")
        root.add_child(instance=home)
        home.save_revision().publish()
    elif home.title != community.name:
        home.title = community.name
        home.save_revision().publish()
    Site.objects.exclude(root_page=home).delete()
    site, _ = Site.objects.update_or_create(
        is_default_site=True,
        defaults={
            "hostname": hostname,
            "port": 80,
            "root_page": home,
            "site_name": community.name,
        },
    )
    return site
