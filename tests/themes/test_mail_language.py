"""Emails go out in the recipient's language: a member's stored choice among the
community's languages, else the community's default. The checks do not depend on
Pista's own catalogue: the ``Content-Language`` header, ``<html lang>`` and
strings from allauth's and Django's own catalogues."""

from __future__ import annotations

import pytest
from django.core import mail
from django.test import Client
from django.utils import translation
from django.utils.translation import gettext
from django_tenants.utils import schema_context

from core_apps.accounts.models import User
from core_apps.community.models import Notification
from core_apps.community.services.notifications import notifications_send
from core_apps.community.tasks import notification_digest_send_task
from pista.formats import money_format
from tests.conftest import community_host
from tests.core_apps.community.conftest import member_create
from tests.factories import UserFactory
from themes.mail import recipient_language

pytestmark = pytest.mark.django_db

RESET_SUBJECT = "Password Reset Email"  # allauth's msgid, translated in its own catalogue


@pytest.fixture
def english_with_spanish(community_a):
    """Community A writes in English by default and also offers Spanish."""
    community_a.language = "en"
    community_a.languages = ["es"]
    community_a.save(update_fields=["language", "languages"])
    return community_a


def _member(community, *, email: str, language: str):
    with schema_context(community.schema_name):
        return UserFactory(email=email, language=language)


def test_a_spanish_member_gets_the_password_reset_in_spanish(english_with_spanish):
    _member(english_with_spanish, email="lola@example.com", language="es")
    with translation.override("es"):
        spanish_subject = gettext(RESET_SUBJECT)
    assert spanish_subject != RESET_SUBJECT  # allauth ships it in Spanish

    client = Client(HTTP_HOST=community_host(english_with_spanish))
    mail.outbox.clear()
    response = client.post(
        "/accounts/password/reset/", {"email": "lola@example.com"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 302
    [message] = mail.outbox
    assert message.extra_headers["Content-Language"] == "es"
    assert spanish_subject in message.subject
    assert '<html lang="es"' in message.alternatives[0][0]


def test_a_member_without_a_choice_gets_the_community_default(english_with_spanish):
    _member(english_with_spanish, email="ann@example.com", language="")
    client = Client(HTTP_HOST=community_host(english_with_spanish))
    mail.outbox.clear()
    client.post("/accounts/password/reset/", {"email": "ann@example.com"})
    [message] = mail.outbox
    assert message.extra_headers["Content-Language"] == "en"
    assert RESET_SUBJECT in message.subject


def test_the_digest_is_in_the_members_language(english_with_spanish):
    with schema_context(english_with_spanish.schema_name):
        spanish = member_create(name="Rosa")
        english = member_create(name="Tom")
        User.objects.filter(pk=spanish.pk).update(language="es")
        for member in (spanish, english):
            notifications_send(user_ids=[member.pk], kind="message", text=lambda: "Hi", url="/x/")
        mail.outbox.clear()
        notification_digest_send_task.delay(user_id=spanish.pk)
        notification_digest_send_task.delay(user_id=english.pk)
        sent = {m.to[0]: m for m in mail.outbox}
    assert sent[spanish.email].extra_headers["Content-Language"] == "es"
    assert '<html lang="es"' in sent[spanish.email].alternatives[0][0]
    assert sent[english.email].extra_headers["Content-Language"] == "en"


@pytest.mark.parametrize(
    ("stored", "languages", "expected"),
    [
        ("es", ["es"], "es"),
        ("de", ["es"], "en"),  # a choice the community no longer offers
        ("<x>", ["es"], "en"),  # garbage in the column
        ("es", [], "en"),
    ],
)
def test_a_stored_language_counts_only_while_offered(community_a, stored, languages, expected):
    community_a.language = "en"
    community_a.languages = languages
    community_a.save(update_fields=["language", "languages"])
    _member(community_a, email="pia@example.com", language=stored)
    with schema_context(community_a.schema_name):
        assert recipient_language("PIA@example.com") == expected
        assert recipient_language("nobody@example.com", fallback="es") == (
            "es" if languages else "en"
        )


def test_money_in_an_email_language_uses_that_locale():
    with translation.override("de"):
        assert money_format(123456, "EUR") == "1.234,56\xa0€"
    with translation.override("en"):
        assert money_format(123456, "EUR") == "€1,234.56"


def test_another_communitys_member_of_the_same_address_does_not_count(
    english_with_spanish, community_b
):
    # The same address is a Spanish member in A; in B (English only) it is not.
    _member(english_with_spanish, email="eva@example.com", language="es")
    _member(community_b, email="eva@example.com", language="")
    with schema_context(community_b.schema_name):
        assert recipient_language("eva@example.com") == "en"
    with schema_context(english_with_spanish.schema_name):
        assert recipient_language("eva@example.com") == "es"


def test_week_start_and_clock_per_locale():
    from datetime import UTC, datetime

    from pista.formats import first_week_day, time_format

    # Babel: English without a territory (Pista's "en") starts on Monday, en_US on Sunday.
    assert (first_week_day("en_US"), first_week_day("de"), first_week_day("es")) == (6, 0, 0)
    assert first_week_day("not a locale") == 0
    evening = datetime(2030, 1, 1, 19, tzinfo=UTC)
    assert time_format(evening, "Europe/Madrid", locale="es") == "20:00"
    assert time_format(evening, "Europe/Madrid", locale="en") == "8:00\u202fPM"


def test_a_notification_is_written_in_each_recipients_language(english_with_spanish):
    """A member browsing in German follows two others: each reads the news in
    their own language, not the sender's (German is not offered here)."""
    from core_apps.community.services.social import follow_create

    with schema_context(english_with_spanish.schema_name):
        follower = member_create(name="Klaus")
        spanish = member_create(name="Rosa")
        english = member_create(name="Tom")
        User.objects.filter(pk=spanish.pk).update(language="es")
        User.objects.filter(pk=follower.pk).update(language="de")  # not offered here
        with translation.override("de"):
            follow_create(follower=follower, followed_id=spanish.pk)
            follow_create(follower=follower, followed_id=english.pk)
        with translation.override("es"):
            expected_es = gettext("%(name)s follows you now.") % {"name": "Klaus"}
        [to_spanish] = Notification.objects.filter(user=spanish, kind="follow")
        [to_english] = Notification.objects.filter(user=english, kind="follow")
    assert expected_es != "Klaus follows you now."
    assert to_spanish.text == expected_es
    assert to_english.text == "Klaus follows you now."
