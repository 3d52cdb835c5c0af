"""Wagtail page types of a community's site, and its footer settings."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail import blocks
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.contrib.forms.models import AbstractEmailForm, AbstractFormField
from wagtail.contrib.forms.panels import FormSubmissionsPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page

from cms.blocks import RICH_TEXT_FEATURES, HomeStreamBlock, StandardStreamBlock

HONEYPOT_FIELD = "website"


class HomePage(Page):
    """The root page of a community's site: a hero, then sections.

    The sections may list upcoming events and teachers (``UpcomingEventsBlock``,
    ``TeachersBlock``); they stay empty until the events and artists apps
    register their listings (``cms.listings``).
    """

    intro = RichTextField(
        _("introduction"), blank=True, features=["bold", "italic", "link", "ol", "ul", "h2", "h3"]
    )
    hero_image = models.ForeignKey(
        "wagtailimages.Image",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("hero image"),
    )
    hero_cta_label = models.CharField(_("hero button label"), max_length=60, blank=True)
    hero_cta_page = models.ForeignKey(
        "wagtailcore.Page",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("hero button page"),
    )
    sections = StreamField(HomeStreamBlock(), blank=True, verbose_name=_("sections"))

    content_panels = [
        *Page.content_panels,
        MultiFieldPanel(
            [
                FieldPanel("intro"),
                FieldPanel("hero_image"),
                FieldRowPanel([FieldPanel("hero_cta_label"), FieldPanel("hero_cta_page")]),
            ],
            heading=_("Hero"),
        ),
        FieldPanel("sections"),
    ]
    parent_page_types = ["wagtailcore.Page"]
    max_count = 1

    class Meta:
        verbose_name = _("home page")
        verbose_name_plural = _("home pages")


class StandardPage(Page):
    """A content page (about, code of conduct, FAQ…) built from blocks."""

    body = StreamField(StandardStreamBlock(), blank=True, verbose_name=_("body"))

    content_panels = [*Page.content_panels, FieldPanel("body")]
    parent_page_types = ["cms.HomePage", "cms.StandardPage"]
    show_in_menus_default = True  # a page the owner adds appears in the header menu

    class Meta:
        verbose_name = _("standard page")
        verbose_name_plural = _("standard pages")

    def __str__(self) -> str:
        return self.title


class ContactFormField(AbstractFormField):
    page = ParentalKey(
        "cms.ContactPage",
        on_delete=models.CASCADE,
        related_name="form_fields",
        verbose_name=_("page"),
    )

    class Meta(AbstractFormField.Meta):
        verbose_name = _("contact form field")
        verbose_name_plural = _("contact form fields")


class ContactPage(AbstractEmailForm):
    """A contact form built in the admin. Submissions are kept (see the page's
    submissions in the admin) and emailed to ``to_address``, in the theme.

    A honeypot field catches form-filling bots: a submission that fills it gets
    the normal thank-you page but is neither stored nor emailed.
    """

    intro = RichTextField(_("introduction"), blank=True, features=RICH_TEXT_FEATURES)
    thank_you_text = RichTextField(_("thank-you text"), blank=True, features=RICH_TEXT_FEATURES)

    content_panels = [
        *AbstractEmailForm.content_panels,
        FormSubmissionsPanel(),
        FieldPanel("intro"),
        InlinePanel("form_fields", label=_("Form fields")),
        FieldPanel("thank_you_text"),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("from_address"), FieldPanel("to_address")]),
                FieldPanel("subject"),
            ],
            heading=_("Notification email"),
        ),
    ]
    parent_page_types = ["cms.HomePage", "cms.StandardPage"]
    subpage_types: list[str] = []
    show_in_menus_default = True
    landing_page_template = "cms/contact_page_landing.html"

    class Meta:
        verbose_name = _("contact page")
        verbose_name_plural = _("contact pages")

    def get_form(self, *args: Any, **kwargs: Any) -> forms.Form:
        form = super().get_form(*args, **kwargs)
        # Hidden from people (CSS and aria-hidden), left empty by them; bots fill it.
        form.fields[HONEYPOT_FIELD] = forms.CharField(
            required=False,
            label=_("Leave this field empty"),
            widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
        )
        return form

    def process_form_submission(self, form: forms.Form) -> Any:
        from cms.services import contact_submission_process

        return contact_submission_process(page=self, form=form)

    def send_mail(self, form: forms.Form) -> None:
        from cms.services import contact_notification_send

        contact_notification_send(page=self, form=form)


HomePage.subpage_types = ["cms.StandardPage", "cms.ContactPage"]
StandardPage.subpage_types = ["cms.StandardPage", "cms.ContactPage"]


class FooterLinkBlock(blocks.StructBlock):
    label = blocks.CharBlock(max_length=60, label=_("Label"))
    page = blocks.PageChooserBlock(required=False, label=_("Page"))
    url = blocks.URLBlock(required=False, label=_("URL"))


@register_setting(icon="list-ul")
class FooterSettings(BaseSiteSetting):
    """The site footer: a short text and a row of links."""

    text = RichTextField(_("text"), blank=True, features=["bold", "italic", "link"])
    links = StreamField(
        [("link", FooterLinkBlock(label=_("Link")))], blank=True, verbose_name=_("links")
    )

    panels = [FieldPanel("text"), FieldPanel("links")]

    class Meta:
        verbose_name = _("footer")
        verbose_name_plural = _("footers")
