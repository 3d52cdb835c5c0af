"""Writes to a community's Wagtail tree and its contact forms."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from wagtail.contrib.forms.models import FormSubmission
from wagtail.models import Locale, Page, PageLogEntry, Revision, Site
from wagtail.search import index as search_index

from cms.models import HONEYPOT_FIELD, HomePage
from pista.images import image_sanitise, upload_name_stem
from themes.mail import email_send

if TYPE_CHECKING:
    from wagtail.images.models import AbstractImage

    from cms.models import ContactPage
    from tenants.models import Community


def home_sections_starter(*, community: Community) -> list[tuple[str, dict[str, Any]]]:
    """A new community's starting home page: a welcome with a call to action,
    then live lists (events, classes this week, artists, venues) and a way to
    stay in touch, written in the community's language. Every list says
    something sensible while it is empty, and the owner rearranges or replaces
    the blocks in the page editor."""
    with translation.override(community.language or None):
        return _home_sections(community)


def _home_sections(community: Community) -> list[tuple[str, dict[str, Any]]]:
    return [
        (
            "hero",
            {
                "heading": _("Dance with %(name)s") % {"name": community.name},
                "text": _("Classes, socials and events for every level. Come as you are."),
                "image": None,
                "button_label": _("See what's on"),
                "page": None,
                "url": "/events/",
            },
        ),
        ("upcoming_events", {"heading": _("Upcoming events"), "count": 6}),
        ("classes_this_week", {"heading": _("Classes this week"), "count": 6}),
        ("teachers", {"heading": _("Meet our artists"), "count": 4}),
        ("venues", {"heading": _("Where we dance"), "count": 3}),
        (
            "newsletter_contact",
            {
                "heading": _("Stay in the loop"),
                "text": _("Join to hear about new classes and events first."),
                "contact_page": None,
                "email": "",
            },
        ),
    ]


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
        home = HomePage(
            title=community.name,
            slug="home",
            intro="",
            sections=home_sections_starter(community=community),
        )
        root.add_child(instance=home)
        home.save_revision().publish()
    elif home.title != community.name or not home.sections:
        # A home page titled otherwise is the template's (or a spare schema's)
        # starter, never edited by this community: its words are rewritten in
        # the community's language.
        home.title = community.name
        home.sections = home_sections_starter(community=community)
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


# The name a starter site carries until a community claims it (see site_starter_prepare).
STARTER_SITE_NAME = "pista-starter"


@transaction.atomic
def site_starter_prepare(*, hostname: str) -> Site:
    """Give a schema made ahead of its community (a spare) a published home page
    and Site named ``STARTER_SITE_NAME``, so that ``site_starter_claim`` only has
    to rename them: publishing a page is most of a new site's cost."""
    from tenants.models import Community

    placeholder = Community(name=STARTER_SITE_NAME, language=settings.LANGUAGE_CODE)
    return site_provision(community=placeholder, hostname=hostname)


@transaction.atomic
def site_starter_claim(*, community: Community, hostname: str) -> Site:
    """Make the starter site of ``site_starter_prepare`` the community's, in place:
    its name, host and home page (title and starter words in the community's
    language, in the page, its published revision and its history), dated now.
    A schema without a starter gets a new site (``site_provision``)."""
    site = Site.objects.filter(is_default_site=True, site_name=STARTER_SITE_NAME).first()
    home = HomePage.objects.filter(pk=site.root_page_id).first() if site else None
    if site is None or home is None:
        return site_provision(community=community, hostname=hostname)
    now = timezone.now()
    home.title = home.draft_title = community.name
    home.sections = home_sections_starter(community=community)
    home.first_published_at = home.last_published_at = home.latest_revision_created_at = now
    Page.objects.filter(pk=home.pk).update(
        title=home.title,
        draft_title=home.draft_title,
        first_published_at=now,
        last_published_at=now,
        latest_revision_created_at=now,
    )
    HomePage.objects.filter(pk=home.pk).update(sections=home.sections)
    Revision.objects.filter(pk=home.latest_revision_id).update(
        content=home.serializable_data(), object_str=home.title, created_at=now
    )
    PageLogEntry.objects.filter(page_id=home.pk).update(label=home.title, timestamp=now)
    site.hostname, site.port, site.site_name = hostname, 80, community.name
    Site.objects.filter(pk=site.pk).update(hostname=hostname, port=80, site_name=community.name)
    Site.clear_site_root_paths_cache()
    search_index.insert_or_update_object(home)
    return site


def home_sections_ensure(community: Community) -> None:
    """Give a home page without sections the starter ones (demo data: idempotent)."""
    home = HomePage.objects.first()
    if home is not None and not home.sections:
        home.sections = home_sections_starter(community=community)
        home.save_revision().publish()


def site_hostname_set(*, hostname: str) -> None:
    """Point the community's Wagtail site at its primary host, so sitemaps and
    full page URLs name it. Runs in the community's schema."""
    for site in Site.objects.filter(is_default_site=True):
        site.hostname = hostname
        site.save(update_fields=["hostname"])  # the signal clears Wagtail's root-path cache


def contact_submission_is_spam(*, data: dict[str, Any]) -> bool:
    """A filled honeypot field gives a bot away (people never see the field)."""
    return bool(str(data.get(HONEYPOT_FIELD) or "").strip())


def contact_submission_process(*, page: ContactPage, form: forms.Form) -> FormSubmission | None:
    """Keep a contact form submission and email it to the page's recipients.

    Spam (see contact_submission_is_spam) is dropped silently: nothing stored,
    nothing sent, and the sender still sees the thank-you page.
    """
    if contact_submission_is_spam(data=form.cleaned_data):
        return None
    form.cleaned_data.pop(HONEYPOT_FIELD, None)
    submission = FormSubmission.objects.create(form_data=form.cleaned_data, page=page)
    if page.to_address:
        transaction.on_commit(lambda: contact_notification_send(page=page, form=form))
    return submission


def contact_notification_send(*, page: ContactPage, form: forms.Form) -> None:
    """Email a submission to the page's recipients, in the community's theme."""
    fields = [
        {"label": field.label, "value": _display(form.cleaned_data.get(field.name, ""))}
        for field in form
        if field.name in form.cleaned_data and field.name != HONEYPOT_FIELD
    ]
    email_send(
        template_prefix="cms/email/contact_submission",
        context={"page": page, "fields": fields},
        to=[address.strip() for address in page.to_address.split(",") if address.strip()],
        from_email=page.from_address or None,
    )


def _display(value: Any) -> str:
    return ", ".join(str(item) for item in value) if isinstance(value, list) else str(value)


@transaction.atomic
def locales_sync(*, languages: list[str], relabel: bool = False) -> list[Locale]:
    """A Wagtail ``Locale`` for each of ``languages`` (the community's, its
    default first) and for Wagtail's default language, in the current schema.
    Locales are never deleted: their pages stay.

    ``relabel`` (at provisioning, when the site's pages were written in the
    community's language): the locale of the site's pages, if it is not one of
    ``languages``, is renamed to the default language (the pages keep their
    locale row)."""
    default = languages[0]
    existing = set(Locale.objects.values_list("language_code", flat=True))
    if relabel and default not in existing:
        site = Site.objects.filter(is_default_site=True).select_related("root_page").first()
        locale = site.root_page.locale if site is not None else None
        if locale is not None and locale.language_code not in languages:
            existing.discard(locale.language_code)
            locale.language_code = default
            locale.save(update_fields=["language_code"])
            existing.add(default)
    wanted = list(dict.fromkeys([*languages, settings.LANGUAGE_CODE]))
    Locale.objects.bulk_create(
        [Locale(language_code=code) for code in wanted if code not in existing]
    )
    return list(Locale.objects.filter(language_code__in=wanted))


def library_image_add(*, upload: File, title: str) -> AbstractImage:
    """Add an uploaded picture to the community's Wagtail image library, checked
    by content and stripped of its metadata like every library image (see
    ``pista.images``). Raises pista.images.InvalidImage."""
    from wagtail.images import get_image_model

    clean = image_sanitise(
        upload=upload,
        label=_("image"),
        max_bytes=settings.WAGTAILIMAGES_MAX_UPLOAD_SIZE,
        max_side=8000,
        name_stem=upload_name_stem(upload.name or "", default="image"),
    )
    image = get_image_model()(title=title[:255] or _("Image"))
    image.file.save(clean.name, clean, save=False)
    image.save()
    return image


def library_image_file_discard(image: AbstractImage | None) -> None:
    """Delete the stored file of a library image whose row was rolled back
    (storage is not transactional); nothing for ``None``."""
    if image is not None and image.file.name:
        image.file.storage.delete(image.file.name)
