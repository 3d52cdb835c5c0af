"""StreamField blocks of community pages."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import parse_qs, urlparse

from django.core.exceptions import ValidationError
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.images.blocks import ImageChooserBlock

from cms.listings import listing_items

RICH_TEXT_FEATURES = ["h2", "h3", "bold", "italic", "link", "ol", "ul", "hr"]

_YOUTUBE_ID = re.compile(r"[A-Za-z0-9_-]{11}")
_VIMEO_ID = re.compile(r"\d{4,12}")


def video_embed_url(url: str) -> str | None:
    """The privacy-friendly player URL of a YouTube or Vimeo link, else None.

    Only these two hosts are accepted: the player is a third-party frame, loaded
    only after the visitor clicks (see ``cms/blocks/video.html``).
    """
    parsed = urlparse(url.strip())
    host = (parsed.hostname or "").lower().removeprefix("www.").removeprefix("m.")
    video_id = ""
    if host == "youtube.com" and parsed.path == "/watch":
        video_id = parse_qs(parsed.query).get("v", [""])[0]
    elif host == "youtube.com" and parsed.path.startswith(("/embed/", "/shorts/")):
        video_id = parsed.path.split("/")[2]
    elif host == "youtu.be":
        video_id = parsed.path.lstrip("/")
    if video_id:
        if not _YOUTUBE_ID.fullmatch(video_id):
            return None
        return f"https://www.youtube-nocookie.com/embed/{video_id}?autoplay=1"
    if host in ("vimeo.com", "player.vimeo.com"):
        last = parsed.path.rstrip("/").rsplit("/", 1)[-1]
        if _VIMEO_ID.fullmatch(last):
            return f"https://player.vimeo.com/video/{last}?autoplay=1&dnt=1"
    return None


class ImageBlock(blocks.StructBlock):
    image = ImageChooserBlock()
    alt_text = blocks.CharBlock(
        max_length=200, help_text=_("Describe the image for people who can't see it.")
    )
    caption = blocks.CharBlock(required=False, max_length=250)

    class Meta:
        icon = "image"
        template = "cms/blocks/image.html"


class GalleryImageBlock(blocks.StructBlock):
    image = ImageChooserBlock()
    alt_text = blocks.CharBlock(max_length=200)


class GalleryBlock(blocks.StructBlock):
    heading = blocks.CharBlock(required=False, max_length=120)
    images = blocks.ListBlock(GalleryImageBlock(), min_num=1)

    class Meta:
        icon = "image"
        template = "cms/blocks/gallery.html"


class QuoteBlock(blocks.StructBlock):
    quote = blocks.TextBlock()
    attribution = blocks.CharBlock(required=False, max_length=120)

    class Meta:
        icon = "openquote"
        template = "cms/blocks/quote.html"


class FAQItemBlock(blocks.StructBlock):
    question = blocks.CharBlock(max_length=250)
    answer = blocks.RichTextBlock(features=RICH_TEXT_FEATURES)


class FAQBlock(blocks.StructBlock):
    heading = blocks.CharBlock(required=False, max_length=120)
    items = blocks.ListBlock(FAQItemBlock(), min_num=1)

    class Meta:
        icon = "help"
        template = "cms/blocks/faq.html"


class CallToActionBlock(blocks.StructBlock):
    heading = blocks.CharBlock(max_length=120)
    text = blocks.TextBlock(required=False)
    button_label = blocks.CharBlock(max_length=60)
    page = blocks.PageChooserBlock(required=False)
    url = blocks.URLBlock(required=False, help_text=_("Used when no page is chosen."))

    class Meta:
        icon = "pick"
        template = "cms/blocks/call_to_action.html"

    def clean(self, value: Any) -> Any:
        value = super().clean(value)
        if not value.get("page") and not value.get("url"):
            raise blocks.StructBlockValidationError(
                block_errors={"page": ValidationError(_("Choose a page or give a URL."))}
            )
        return value


class VideoBlock(blocks.StructBlock):
    """A YouTube or Vimeo video behind a click-to-load facade.

    The page carries no third-party request until the visitor clicks play: no
    iframe, no remote thumbnail, no script from the video host.
    """

    url = blocks.URLBlock(help_text=_("A YouTube or Vimeo link."))
    title = blocks.CharBlock(max_length=120, help_text=_("Read out to screen-reader users."))
    poster = ImageChooserBlock(required=False, help_text=_("Shown before the video loads."))

    class Meta:
        icon = "media"
        template = "cms/blocks/video.html"

    def clean(self, value: Any) -> Any:
        value = super().clean(value)
        if video_embed_url(value.get("url") or "") is None:
            raise blocks.StructBlockValidationError(
                block_errors={"url": ValidationError(_("Use a YouTube or Vimeo video link."))}
            )
        return value

    def get_context(self, value: Any, parent_context: dict[str, Any] | None = None) -> Any:
        context = super().get_context(value, parent_context=parent_context)
        context["embed_url"] = video_embed_url(value.get("url") or "")
        return context


class ListingBlock(blocks.StructBlock):
    """Content another app lists here, read live (upcoming events, artists…).

    The block asks ``cms.listings`` for the provider registered under its kind.
    With nothing to list it says so and points to the full list: no blank
    area, and never placeholder data.
    """

    heading = blocks.CharBlock(max_length=120)
    count = blocks.IntegerBlock(min_value=1, max_value=24, default=6)

    kind = ""
    all_url_name = ""
    all_label = _("See all")
    empty_text = _("Nothing to show yet.")

    class Meta:
        template = "cms/blocks/listing.html"

    def get_context(self, value: Any, parent_context: dict[str, Any] | None = None) -> Any:
        context = super().get_context(value, parent_context=parent_context)
        context["items"] = listing_items(kind=self.kind, count=value.get("count") or 6)
        context["kind"] = self.kind
        context["empty_text"] = self.empty_text
        context["all_label"] = self.all_label
        try:
            context["all_url"] = reverse(self.all_url_name) if self.all_url_name else ""
        except NoReverseMatch:
            context["all_url"] = ""
        return context


class UpcomingEventsBlock(ListingBlock):
    kind = "events"
    all_url_name = "events:list"
    all_label = _("All events")
    empty_text = _("No events are announced yet. Check back soon, or sign up to hear first.")

    class Meta:
        icon = "date"
        label = _("Upcoming events")


class ClassesThisWeekBlock(ListingBlock):
    kind = "classes_week"
    all_url_name = "events:list"
    all_label = _("All classes and events")
    empty_text = _("No classes this week. The full programme lists the next ones.")

    class Meta:
        icon = "date"
        label = _("Classes this week")


class TeachersBlock(ListingBlock):
    kind = "teachers"
    all_url_name = "artists:index"
    all_label = _("All artists")
    empty_text = _("Our artists will be introduced here soon.")

    class Meta:
        icon = "user"
        label = _("Featured artists")


class VenuesBlock(ListingBlock):
    kind = "venues"
    all_url_name = "venues:index"
    all_label = _("All venues")
    empty_text = _("Venues will be listed here soon.")

    class Meta:
        icon = "home"
        label = _("Venues")


class HeroBlock(blocks.StructBlock):
    """A large opening: a picture, a headline and one call to action."""

    heading = blocks.CharBlock(max_length=120)
    text = blocks.TextBlock(required=False)
    image = ImageChooserBlock(required=False)
    button_label = blocks.CharBlock(required=False, max_length=60)
    page = blocks.PageChooserBlock(required=False)
    url = blocks.CharBlock(
        required=False, max_length=300, help_text=_("A link or a path such as /events/.")
    )

    class Meta:
        icon = "image"
        template = "cms/blocks/hero.html"
        label = _("Hero")

    def clean(self, value: Any) -> Any:
        value = super().clean(value)
        url = (value.get("url") or "").strip()
        if url and not (url.startswith("/") or url.startswith(("https://", "http://"))):
            raise blocks.StructBlockValidationError(
                block_errors={
                    "url": ValidationError(_("Use a path such as /events/ or a web link."))
                }
            )
        if value.get("button_label") and not (value.get("page") or url):
            raise blocks.StructBlockValidationError(
                block_errors={"page": ValidationError(_("Choose a page or give a link."))}
            )
        return value


class NewsletterContactBlock(blocks.StructBlock):
    """Stay in touch: sign up to the site (and its digests) or write to us."""

    heading = blocks.CharBlock(max_length=120)
    text = blocks.TextBlock(required=False)
    contact_page = blocks.PageChooserBlock(required=False, target_model="cms.ContactPage")
    email = blocks.EmailBlock(required=False)

    class Meta:
        icon = "mail"
        template = "cms/blocks/newsletter_contact.html"
        label = _("Newsletter and contact")


class StandardStreamBlock(blocks.StreamBlock):
    rich_text = blocks.RichTextBlock(
        features=RICH_TEXT_FEATURES, template="cms/blocks/rich_text.html"
    )
    image = ImageBlock()
    gallery = GalleryBlock()
    quote = QuoteBlock()
    faq = FAQBlock()
    call_to_action = CallToActionBlock()
    video = VideoBlock()


class HomeStreamBlock(StandardStreamBlock):
    hero = HeroBlock()
    upcoming_events = UpcomingEventsBlock()
    classes_this_week = ClassesThisWeekBlock()
    teachers = TeachersBlock()
    venues = VenuesBlock()
    newsletter_contact = NewsletterContactBlock()
