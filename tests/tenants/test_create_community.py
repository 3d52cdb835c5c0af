from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django_tenants.utils import schema_context, schema_exists

from core_apps.accounts.models import User
from tenants.models import Community, Domain


def schema_names() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT nspname FROM pg_namespace")
        return {row[0] for row in cursor.fetchall()}


def run_command(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={**os.environ, "PISTA_DATABASE_NAME": connection.settings_dict["NAME"]},
    )


def test_create_community_prints_contract_json_and_refuses_to_repeat(
    django_db_setup, django_db_blocker
) -> None:
    # Runs the real command in a subprocess, so its writes are committed: this
    # test works outside the per-test transaction and cleans up after itself.
    django_db_blocker.unblock()
    try:
        created = run_command(
            "create_community",
            "--slug",
            "lindy",
            "--name",
            "Lindy Leeds",
            "--owner-email",
            "a@b.example",
        )
        assert created.returncode == 0, created.stderr
        lines = created.stdout.strip().splitlines()
        assert len(lines) == 1
        payload = json.loads(lines[0])
        assert payload["schema"] == "lindy"
        assert payload["domains"] == ["lindy.localhost"]
        assert payload["owner"] == "a@b.example"
        with schema_context("lindy"):
            owner = User.objects.get(email="a@b.example")
            assert set(owner.groups.values_list("name", flat=True)) >= {"owner", "member"}

        repeated = run_command(
            "create_community",
            "--slug",
            "lindy",
            "--name",
            "Again",
            "--owner-email",
            "c@d.example",
        )
        assert repeated.returncode != 0
        assert repeated.stderr.strip().splitlines() == [
            "CommandError: The slug 'lindy' is already taken."
        ]
        assert Community.objects.get(slug="lindy").name == "Lindy Leeds"
    finally:
        community = Community.objects.filter(slug="lindy").first()
        if community is not None:
            community.delete(force_drop=True)
        django_db_blocker.restore()


@pytest.mark.parametrize(
    ("slug", "message"),
    [
        ("Bad Slug!", "Invalid slug"),
        ("www", "reserved"),
        ("api", "reserved"),
        ("admin", "reserved"),
        ("public", "reserved"),
        ("information-schema", "reserved"),
        ("ab", "Invalid slug"),
        ("alpha", "already taken"),
    ],
)
def test_invalid_or_taken_slug_is_refused_and_creates_nothing(db, community_a, slug, message):
    communities_before = Community.objects.count()
    schemas_before = schema_names()
    with pytest.raises(CommandError, match=message):
        call_command(
            "create_community", "--slug", slug, "--name", "X", "--owner-email", "x@y.example"
        )
    assert Community.objects.count() == communities_before
    assert schema_names() == schemas_before


def test_taken_domain_is_refused_and_creates_nothing(db, community_a):
    taken = community_a.domains.get(is_primary=True).domain
    with pytest.raises(CommandError, match="already taken"):
        call_command(
            "create_community",
            "--slug",
            "newcomer",
            "--name",
            "N",
            "--owner-email",
            "n@y.example",
            "--domain",
            taken,
        )
    assert not Community.objects.filter(slug="newcomer").exists()
    assert not schema_exists("newcomer")


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [
        ("--owner-email", "not-an-email", "Invalid owner email"),
        ("--domain", "not a domain", "Invalid domain"),
        ("--language", "xx", "Unsupported language"),
        ("--currency", "EURO", "Invalid currency"),
        ("--theme", "neon", "Unknown theme"),
    ],
)
def test_bad_options_are_refused_with_one_line_error(db, option, value, message):
    args = {"--slug": "fresh", "--name": "Fresh", "--owner-email": "f@y.example", option: value}
    with pytest.raises(CommandError, match=message):
        call_command("create_community", *[part for pair in args.items() for part in pair])
    assert not Community.objects.filter(slug="fresh").exists()
    assert not Domain.objects.filter(domain="fresh.localhost").exists()
    assert not schema_exists("fresh")


def test_new_community_gets_site_home_page_and_roles(in_a, community_a):
    from django.contrib.auth.models import Group
    from wagtail.models import Site

    site = Site.objects.get(is_default_site=True)
    assert site.hostname == "alpha.localhost"
    assert site.root_page.title == community_a.name
    assert set(Group.objects.values_list("name", flat=True)) >= {
        "owner",
        "admin",
        "organizer",
        "teacher",
        "venue manager",
        "moderator",
        "member",
    }
