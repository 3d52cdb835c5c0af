"""Per-community branding, edited in the Wagtail admin as a site setting."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting

from themes.registry import FONT_CHOICES


@register_setting(icon="image")
class BrandingSettings(BaseSiteSetting):
    """Logo, icons, colours and fonts of a community site.

    Blank colours and fonts fall back to the theme's own. Files are stored by the
    default storage, under the community's own prefix. Validation (colour syntax,
    WCAG contrast, image content) lives in ``themes.services`` and runs from the
    admin form (``themes.forms.BrandingSettingsForm``).
    """

    logo = models.ImageField(_("logo"), upload_to="branding/", blank=True)
    favicon = models.ImageField(_("favicon"), upload_to="branding/", blank=True)
    social_image = models.ImageField(
        _("social share image"),
        upload_to="branding/",
        blank=True,
        help_text=_("Shown when a page is shared on social media (1200x630 works best)."),
    )
    primary_colour = models.CharField(
        _("primary colour"),
        max_length=64,
        blank=True,
        help_text=_("Links and buttons. Any CSS colour, e.g. #7a1f3d or rgb(122 31 61)."),
    )
    accent_colour = models.CharField(_("accent colour"), max_length=64, blank=True)
    background_colour = models.CharField(_("background colour"), max_length=64, blank=True)
    text_colour = models.CharField(_("text colour"), max_length=64, blank=True)
    heading_font = models.CharField(
        _("heading font"), max_length=40, blank=True, choices=FONT_CHOICES
    )
    body_font = models.CharField(_("body font"), max_length=40, blank=True, choices=FONT_CHOICES)
    email_reply_to = models.EmailField(
        _("reply-to address"),
        blank=True,
        help_text=_("Where members' replies to the community's emails go. Leave blank for none."),
    )

    panels = [
        MultiFieldPanel(
            [FieldPanel("logo"), FieldPanel("favicon"), FieldPanel("social_image")],
            heading=_("Images"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("primary_colour"),
                FieldPanel("accent_colour"),
                FieldPanel("background_colour"),
                FieldPanel("text_colour"),
            ],
            heading=_("Colours"),
            help_text=_("Leave blank to use the theme's colours."),
        ),
        MultiFieldPanel([FieldPanel("heading_font"), FieldPanel("body_font")], heading=_("Fonts")),
        MultiFieldPanel([FieldPanel("email_reply_to")], heading=_("Emails")),
    ]

    class Meta:
        verbose_name = _("branding")
        verbose_name_plural = _("branding")

    def __str__(self) -> str:
        return f"Branding of {self.site}"
