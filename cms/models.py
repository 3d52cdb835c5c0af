"""Wagtail page types of a community site."""

from __future__ import annotations

from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page


class HomePage(Page):
    """The root page of a community's site."""

    intro = RichTextField(blank=True, features=["bold", "italic", "link", "ol", "ul", "h2", "h3"])

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["wagtailcore.Page"]
    max_count = 1

    class Meta:
        verbose_name = "home page"


class StandardPage(Page):
    """A plain content page (about, code of conduct, FAQ…)."""

    body = RichTextField(blank=True)

    content_panels = [*Page.content_panels, FieldPanel("body")]
    parent_page_types = ["cms.HomePage", "cms.StandardPage"]

    class Meta:
        verbose_name = "standard page"

    def __str__(self) -> str:
        return self.title


HomePage.subpage_types = ["cms.StandardPage"]
