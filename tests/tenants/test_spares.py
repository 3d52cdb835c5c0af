from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from django.db import connection, transaction
from django_tenants.utils import schema_context, schema_exists
from wagtail.models import PageLogEntry, Site

from cms.models import HomePage
from cms.services import STARTER_SITE_NAME
from core_apps.accounts.models import User
from core_apps.accounts.roles import ROLE_PERMISSIONS, Role
from core_apps.accounts.services import InvalidEmail, user_roles
from pista.errors import ApplicationError
from tenants.models import Community, SchemaVersion, SpareSchema
from tenants.provisioning.services import CommunityTaken, community_create
from tenants.provisioning.spares import (
    spare_schema_take,
    spare_schema_version,
    spare_schemas_discard_stale,
    spare_schemas_drain,
    spare_schemas_refill,
)
from tenants.provisioning.template import schema_constraints, template_schema_name


def test_signup_renames_a_spare_schema_instead_of_cloning(db):
    assert spare_schemas_refill(target_size=1) == 1
    spare = SpareSchema.objects.get()
    assert schema_exists(spare.schema_name)

    community_create(
        slug="pooled", name="Pooled Club", owner_email="p@x.example", owner_password="x" * 12
    )

    assert not SpareSchema.objects.exists()
    assert not schema_exists(spare.schema_name)
    assert schema_exists("pooled")
    assert schema_constraints("pooled") == schema_constraints(template_schema_name())
    with schema_context("pooled"):
        assert User.objects.filter(email="p@x.example").exists()
    assert Community.objects.get(slug="pooled").schema_name == "pooled"


def test_failed_signup_gives_the_spare_back(db, community_a):
    spare_schemas_refill(target_size=1)
    spare_name = SpareSchema.objects.get().schema_name
    with pytest.raises(CommunityTaken, match="already taken"):
        community_create(slug="alpha", name="Dup", owner_email="d@x.example")
    assert SpareSchema.objects.get().schema_name == spare_name
    assert schema_exists(spare_name)


def test_spares_from_an_older_template_are_discarded_not_used(db):
    spare_schemas_refill(target_size=1)
    SpareSchema.objects.update(template_version="older")
    stale_name = SpareSchema.objects.get().schema_name

    assert spare_schemas_discard_stale() == 1
    assert not schema_exists(stale_name)
    assert spare_schemas_refill(target_size=1) == 1
    assert SpareSchema.objects.get().template_version == spare_schema_version()
    connection.set_schema_to_public()


def schema_oids(names: list[str]) -> dict[str, int]:
    """Schema name → OID; a renamed schema keeps its OID."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT nspname, oid FROM pg_namespace WHERE nspname = ANY(%s)", [names])
        return dict(cursor.fetchall())


def test_a_spare_is_made_with_its_site_published_under_a_placeholder(db):
    spare_schemas_refill(target_size=1)
    with schema_context(SpareSchema.objects.get().schema_name):
        site = Site.objects.get(is_default_site=True)
        home = HomePage.objects.get(pk=site.root_page_id)
        assert site.site_name == home.title == STARTER_SITE_NAME
        assert home.live and home.live_revision_id == home.latest_revision_id
        assert not User.objects.exists()


def test_signup_from_a_spare_shows_the_community_everywhere_at_once(db):
    spare_schemas_refill(target_size=1)
    community_create(
        slug="pooled",
        name="Pooled Club",
        owner_email="p@x.example",
        owner_password="x" * 12,
        language="es",
    )

    with schema_context("pooled"):
        site = Site.objects.get(is_default_site=True)
        assert (site.hostname, site.site_name) == ("pooled.localhost", "Pooled Club")
        home = HomePage.objects.get(pk=site.root_page_id)
        assert home.title == home.draft_title == "Pooled Club"
        assert home.locale.language_code == "es"
        assert home.sections[0].value["heading"] == "Baila con Pooled Club"
        # The editor opens the published revision: it carries the name too.
        editing = home.get_latest_revision_as_object()
        assert editing.title == "Pooled Club"
        assert editing.sections[0].value["heading"] == "Baila con Pooled Club"
        assert set(PageLogEntry.objects.filter(page=home).values_list("label", flat=True)) == {
            "Pooled Club"
        }
        assert list(HomePage.objects.search("Pooled")) == [home]
        owner = User.objects.get(email="p@x.example")
        assert owner.check_password("x" * 12)
        assert user_roles(user=owner) == {Role.OWNER, Role.MEMBER}
        assert owner.is_staff


def test_with_the_pool_empty_signup_clones_the_template(db):
    spare_schemas_drain()
    community_create(
        slug="cloned", name="Cloned Club", owner_email="c@x.example", owner_password="x" * 12
    )
    assert schema_exists("cloned")
    with schema_context("cloned"):
        assert Site.objects.get(is_default_site=True).root_page.title == "Cloned Club"
        assert User.objects.get(email="c@x.example").check_password("x" * 12)


def test_a_signup_failing_after_the_rename_gives_the_spare_back_untouched(db):
    spare_schemas_refill(target_size=1)
    spare_name = SpareSchema.objects.get().schema_name

    with pytest.raises(InvalidEmail):
        community_create(slug="broken", name="Broken", owner_email="not-an-email")

    assert not Community.objects.filter(slug="broken").exists()
    assert not schema_exists("broken")
    assert SpareSchema.objects.get().schema_name == spare_name
    with schema_context(spare_name):
        assert Site.objects.get(is_default_site=True).site_name == STARTER_SITE_NAME
        assert not User.objects.exists()


def test_one_signup_leaves_nothing_in_the_other_spares(db):
    spare_schemas_refill(target_size=2)
    community_create(
        slug="first", name="First Club", owner_email="f@x.example", owner_password="x" * 12
    )

    (left,) = SpareSchema.objects.values_list("schema_name", flat=True)
    with schema_context(left):
        assert not User.objects.exists()
        site = Site.objects.get(is_default_site=True)
        assert site.site_name == STARTER_SITE_NAME
        assert site.hostname == f"{left}.invalid"
        assert HomePage.objects.get().title == STARTER_SITE_NAME
        assert not HomePage.objects.search("First")


def test_spares_made_before_the_role_groups_changed_are_not_handed_out(db, monkeypatch):
    spare_schemas_refill(target_size=1)
    # A deploy that changes what a role may do (no migration): the template's
    # groups are synced again, and the spare's are now out of date.
    member = [*ROLE_PERMISSIONS[Role.MEMBER], "cms.add_homepage"]
    monkeypatch.setitem(ROLE_PERMISSIONS, Role.MEMBER, member)

    with transaction.atomic():
        assert spare_schema_take() is None
    assert spare_schemas_discard_stale() == 1


@pytest.fixture
def committed_pool(django_db_setup, django_db_blocker) -> Iterator[None]:
    """Spares committed for threads that use their own connections; the
    communities the test made (slug prefix ``race-``) and the spares go after."""
    with django_db_blocker.unblock():
        spare_schemas_drain()
        yield
        for community in Community.objects.filter(slug__startswith="race-"):
            community.delete(force_drop=True)
        SchemaVersion.objects.filter(schema_name__startswith="race_").delete()
        spare_schemas_drain()


def signups_at_once(slugs: list[str]) -> list[str]:
    """Sign up ``slugs`` from as many threads at once; each one's outcome: its
    schema, or the error code."""
    barrier = threading.Barrier(len(slugs))
    outcomes = ["no answer"] * len(slugs)

    def signup(index: int, slug: str) -> None:
        try:
            barrier.wait(timeout=30)
            provisioned = community_create(
                slug=slug,
                name=slug.title(),
                owner_email=f"o@{slug}.example",
                owner_password="x" * 12,
            )
            outcomes[index] = provisioned.community.schema_name
        except ApplicationError as exc:
            outcomes[index] = exc.code
        finally:
            connection.close()

    threads = [threading.Thread(target=signup, args=pair) for pair in enumerate(slugs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return outcomes


def test_two_signups_at_once_never_take_the_same_spare(committed_pool):
    spare_schemas_refill(target_size=2)
    spare_oids = set(
        schema_oids(list(SpareSchema.objects.values_list("schema_name", flat=True))).values()
    )

    schemas = signups_at_once(["race-one", "race-two"])

    assert schemas == ["race_one", "race_two"]
    assert set(schema_oids(schemas).values()) == spare_oids
    assert not SpareSchema.objects.exists()
    for schema in schemas:
        with schema_context(schema):
            assert (
                Site.objects.get(is_default_site=True).site_name == schema.replace("_", "-").title()
            )


def test_signups_beyond_the_pool_clone_while_one_takes_the_spare(committed_pool):
    spare_schemas_refill(target_size=1)
    spare_oid = set(
        schema_oids(list(SpareSchema.objects.values_list("schema_name", flat=True))).values()
    )

    schemas = signups_at_once(["race-a", "race-b", "race-c"])

    assert schemas == ["race_a", "race_b", "race_c"]
    assert len(set(schema_oids(schemas).values()) & spare_oid) == 1
    for schema in schemas:
        with schema_context(schema):
            assert User.objects.get().check_password("x" * 12)


def test_the_same_slug_twice_at_once_is_taken_once_and_refused_once(committed_pool):
    spare_schemas_refill(target_size=2)

    outcomes = signups_at_once(["race-same", "race-same"])

    assert sorted(outcomes) == ["race_same", "slug_taken"]
    assert Community.objects.filter(slug="race-same").count() == 1
    assert SpareSchema.objects.count() == 1
