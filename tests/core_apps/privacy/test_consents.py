"""Policy versions and consents: asked at sign-up, asked again after a new
version, withdrawn in one click, each community on its own."""

from __future__ import annotations

import pytest
from django_tenants.utils import schema_context

from core_apps.accounts.models import User
from core_apps.privacy.models import AuditEntry, ConsentRecord, PolicyDocument
from core_apps.privacy.selectors import policies_pending
from core_apps.privacy.services.consents import PolicyEmpty, consent_give, policy_publish
from tests.conftest import PASSWORD, login
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _signup(client, email, **extra):
    return client.post(
        "/accounts/signup/",
        {"email": email, "password1": PASSWORD, "password2": PASSWORD, **extra},
    )


def test_versions_count_up_per_kind_and_text_is_sanitised(in_a):
    first = policy_publish(kind="privacy", text="<p>One</p><script>alert(1)</script>")
    second = policy_publish(kind="privacy", text="<p>Two</p>")
    terms = policy_publish(kind="terms", text="<p>Terms</p>")
    assert (first.version, second.version, terms.version) == (1, 2, 1)
    assert "<script>" not in first.text
    with pytest.raises(PolicyEmpty):
        policy_publish(kind="terms", text="<script>x</script>")
    assert AuditEntry.objects.filter(action="privacy.policy_publish").count() == 3


def test_signup_requires_accepting_the_current_policies_and_records_it(in_a, client_a):
    privacy = policy_publish(kind="privacy", text="<p>We keep little.</p>")
    terms = policy_publish(kind="terms", text="<p>Be kind.</p>")

    refused = _signup(client_a, "nia@example.org")
    assert refused.status_code == 200
    assert not User.objects.filter(email="nia@example.org").exists()

    accepted = _signup(client_a, "nia@example.org", accept_policies="on")
    assert accepted.status_code == 302
    user = User.objects.get(email="nia@example.org")
    records = ConsentRecord.objects.filter(user=user)
    assert {(r.document, r.given, r.method) for r in records} == {
        (privacy, True, "signup"),
        (terms, True, "signup"),
    }
    assert policies_pending(user=user) == []


def test_signup_without_published_policies_asks_nothing(in_b, client_b):
    assert _signup(client_b, "ola@example.org").status_code == 302
    assert User.objects.filter(email="ola@example.org").exists()


def test_new_version_asks_members_again_before_member_pages(in_a, client_a, community_a):
    member = UserFactory()
    consent_give(
        user=member,
        documents=[policy_publish(kind="terms", text="<p>v1</p>")],
        method="signup",
    )
    login(client_a, community_a, member)
    assert "/privacy/accept/" not in client_a.get("/community/partners/").get("Location", "")

    new = policy_publish(kind="terms", text="<p>v2</p>", summary_of_changes="Refunds")
    response = client_a.get("/community/partners/")
    assert response.status_code == 302
    assert response["Location"].startswith("/privacy/accept/?next=/community/partners/")
    # The privacy pages themselves stay reachable.
    page = client_a.get("/privacy/accept/?next=/community/partners/")
    assert page.status_code == 200 and "Refunds" in page.content.decode()

    done = client_a.post("/privacy/accept/", {"accept": "on", "next": "/community/partners/"})
    assert done["Location"] == "/community/partners/"
    record = ConsentRecord.objects.filter(user=member, document=new).get()
    assert record.given and record.method == ConsentRecord.Method.REPROMPT


def test_accept_page_refuses_a_foreign_next_url(in_a, client_a, community_a):
    member = UserFactory()
    policy_publish(kind="terms", text="<p>v1</p>")
    login(client_a, community_a, member)
    done = client_a.post("/privacy/accept/", {"accept": "on", "next": "https://evil.example/"})
    assert done["Location"] == "/"


def test_withdrawal_is_one_click_on_the_privacy_page(in_a, client_a, community_a):
    member = UserFactory()
    document = policy_publish(kind="privacy", text="<p>v1</p>")
    consent_give(user=member, documents=[document], method="signup")
    login(client_a, community_a, member)
    page = client_a.get("/privacy/").content.decode()
    assert 'value="withdraw"' in page

    response = client_a.post(f"/privacy/consents/{document.pk}/", {"action": "withdraw"})

    assert response.status_code == 302
    latest = ConsentRecord.objects.filter(user=member).first()
    assert (latest.given, latest.method) == (False, ConsentRecord.Method.PRIVACY_PAGE)
    assert policies_pending(user=member) == [document]
    assert AuditEntry.objects.filter(action="privacy.consent_withdraw", subject=member).exists()
    # Both records stay: proof of what was true when.
    assert ConsentRecord.objects.filter(user=member).count() == 2


def test_policies_and_consents_stay_in_their_community(community_a, community_b, client_b):
    with schema_context(community_a.schema_name):
        policy_publish(kind="privacy", text="<p>Alpha only</p>")
    with schema_context(community_b.schema_name):
        assert not PolicyDocument.objects.exists()
        member = UserFactory()
        # Beta has nothing to accept: no re-prompt, signup asks nothing.
        assert policies_pending(user=member) == []
    assert client_b.get("/privacy/policies/privacy/").status_code == 404
    with schema_context("public"):
        assert not PolicyDocument.objects.exists()
        platform = policy_publish(kind="terms", text="<p>Platform terms</p>")
        assert platform.version == 1
    with schema_context(community_a.schema_name):
        assert not PolicyDocument.objects.filter(kind="terms").exists()


@pytest.mark.parametrize("theme", ["salon", "festival", "studio"])
def test_every_theme_shows_the_consent_banner_with_refuse_next_to_accept(
    theme, community_a, client_a
):
    from tenants.provisioning.services import community_theme_set

    community_theme_set(community=community_a, theme=theme)
    html = client_a.get("/").content.decode()
    assert f"theme-{theme}" in html
    assert "data-consent-banner" in html
    refuse = html.index('data-consent-choice="refuse"')
    accept = html.index('data-consent-choice="accept"')
    # Same element and class, side by side: refusing is as prominent as accepting.
    assert html[refuse - 40 : refuse].count('class="button"') == 1
    assert html[accept - 40 : accept].count('class="button"') == 1
    assert "themes/consent.js" in html
    assert "<script>" not in html  # no inline script (CSP nonces only)


def test_operators_publish_the_platforms_own_policy_in_the_public_schema(
    platform_client, community_a
):
    with schema_context("public"):
        operator = User.objects.create_superuser(email="ops@pista.example", password=PASSWORD)
    platform_client.force_login(operator, backend="django.contrib.auth.backends.ModelBackend")
    response = platform_client.post(
        "/admin/privacy/policydocument/add/",
        {"kind": "terms", "text": "<p>Platform terms</p>", "summary_of_changes": ""},
    )
    assert response.status_code == 302, response.content.decode()[:300]
    with schema_context("public"):
        document = PolicyDocument.objects.get()
        assert (document.kind, document.version, document.published_by) == ("terms", 1, operator)
    with schema_context(community_a.schema_name):
        assert not PolicyDocument.objects.exists()
