"""The Wagtail admin answers a signed-in member without access with a clear 403
(never a redirect loop); the operator admin does not offer the platform's own
row as a community."""

from __future__ import annotations

from django_tenants.utils import get_public_schema_name, schema_context

from core_apps.accounts.models import User
from tenants.models import Community
from tests.conftest import PASSWORD, login
from tests.factories import UserFactory


def test_a_member_who_opens_the_cms_gets_a_clear_403_not_a_redirect_loop(client_a, community_a):
    with schema_context(community_a.schema_name):
        member = UserFactory(email="member@example.org")
    login(client_a, community_a, member)
    for path in ["/cms/", "/cms/pages/"]:
        response = client_a.get(path)
        assert response.status_code == 403, (path, response.status_code, response.get("Location"))
        html = response.content.decode()
        assert "cannot open the site editor" in html
        assert 'href="/"' in html  # a next step: the home page


def test_signed_out_visitors_are_still_sent_to_sign_in_and_staff_get_in(client_a, community_a):
    response = client_a.get("/cms/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    login(client_a, community_a, email="owner@alpha.example", password=PASSWORD)
    assert client_a.get("/cms/").status_code == 200


def test_the_platform_row_is_not_listed_or_editable_in_the_operator_admin(
    platform_client, community_a
):
    operator = User.objects.create_superuser(email="operator@pista.example", password=PASSWORD)
    platform_client.force_login(operator)
    platform = Community.objects.get(schema_name=get_public_schema_name())
    listing = platform_client.get("/admin/tenants/community/")
    assert listing.status_code == 200
    html = listing.content.decode()
    assert f"/admin/tenants/community/{community_a.pk}/change/" in html
    assert f"/admin/tenants/community/{platform.pk}/change/" not in html
    change = platform_client.get(f"/admin/tenants/community/{platform.pk}/change/", follow=True)
    assert b'name="schema_name"' not in change.content
    assert f"/admin/tenants/community/{platform.pk}/change/" not in change.redirect_chain[-1][0]


def test_admin_pages_give_every_script_the_nonce_of_their_policy(client_a, community_a):
    import re

    login(client_a, community_a, email="owner@alpha.example", password=PASSWORD)
    home_id = client_a.get("/cms/pages/").status_code  # the admin answers
    assert home_id == 200
    from wagtail.models import Site

    with schema_context(community_a.schema_name):
        root_page_id = Site.objects.get(is_default_site=True).root_page_id
    response = client_a.get(f"/cms/pages/{root_page_id}/edit/")
    assert response.status_code == 200
    policy = response["Content-Security-Policy"]
    script_src = re.search(r"script-src ([^;]+)", policy).group(1)
    nonce = re.search(r"'nonce-([^']+)'", script_src).group(1)
    assert "'strict-dynamic'" in script_src and "'unsafe-inline'" not in script_src
    html = response.content.decode()
    scripts = re.findall(r"<script\b[^>]*>", html)
    assert scripts and all(f'nonce="{nonce}"' in tag for tag in scripts)
    assert int(response["Content-Length"]) == len(response.content)
    # The public site keeps its own policy.
    public = client_a.get("/")
    assert "'strict-dynamic'" not in public["Content-Security-Policy"]
