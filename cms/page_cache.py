"""What Wagtail changes through its own admin and models rather than a
Pista service, connected to the page cache: pages published, unpublished,
moved or deleted, sites, the footer, images and documents
(``pista.pagecache``; the branding is connected in ``themes``)."""

from __future__ import annotations

from django.db.models.signals import post_delete, post_save
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Page, Site
from wagtail.signals import page_published, page_unpublished, post_page_move

from cms.models import FooterSettings
from pista.pagecache.store import page_cache_invalidate_receiver


def page_cache_receivers_connect() -> None:
    """Make each of those changes invalidate the community's cached pages."""
    receiver = page_cache_invalidate_receiver
    for signal in (page_published, page_unpublished, post_page_move):
        signal.connect(receiver, dispatch_uid=f"cms-page-cache-{id(signal)}")
    post_delete.connect(receiver, sender=Page, dispatch_uid="cms-page-cache-page-delete")
    for model in (Site, FooterSettings, get_image_model(), get_document_model()):
        for signal in (post_save, post_delete):
            signal.connect(
                receiver, sender=model, dispatch_uid=f"cms-page-cache-{model.__name__}-{id(signal)}"
            )
