from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from django.conf import settings


def test_healthz_answers_on_platform_and_community_hosts(platform_client, client_a):
    for client in (platform_client, client_a):
        response = client.get("/healthz")
        assert response.status_code == 200
        assert response.json() == {"status": "ok"}


def test_healthz_answers_on_unknown_hosts_too(client):
    response = client.get("/healthz", HTTP_HOST="10.0.0.7")
    assert response.status_code == 200


def test_readyz_is_ready_when_database_and_migrations_are(platform_client, client_a):
    for client in (platform_client, client_a):
        response = client.get("/readyz")
        assert response.status_code == 200, response.content
        assert response.json()["checks"]["database"] == "ok"
        assert response.json()["checks"]["migrations"] == "ok"


def test_readyz_answers_503_naming_the_database_when_it_is_unreachable():
    # A fresh process whose DATABASE_URL points at a closed port.
    script = (
        "import django, json; django.setup();"
        "from django.test import Client;"
        "r = Client(HTTP_HOST='salsa.localhost').get('/readyz');"
        "print(json.dumps({'status': r.status_code, 'body': r.json()}))"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "pista.settings",
        "DATABASE_URL": "postgres://postgres@127.0.0.1:1/unreachable",
        "DATABASE_CONNECT_TIMEOUT": "2",
    }
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    outcome = json.loads(result.stdout.strip().splitlines()[-1])
    assert outcome["status"] == 503
    assert outcome["body"]["failing"] == ["database"]
    assert outcome["body"]["checks"]["database"].startswith("failed")


def test_pages_on_a_down_database_get_a_plain_503_not_a_traceback():
    script = (
        "import django, json; django.setup();"
        "from django.test import Client;"
        "r = Client(HTTP_HOST='salsa.localhost', raise_request_exception=False).get('/');"
        "print(json.dumps({'status': r.status_code, 'body': r.content.decode()}))"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "pista.settings",
        "DATABASE_URL": "postgres://postgres@127.0.0.1:1/unreachable",
        "DATABASE_CONNECT_TIMEOUT": "2",
    }
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    outcome = json.loads(result.stdout.strip().splitlines()[-1])
    assert outcome["status"] == 503
    assert "Traceback" not in outcome["body"]
    assert "temporarily unavailable" in outcome["body"].lower()


@pytest.fixture
def fresh_readiness(monkeypatch):
    """Each call computes readiness anew (it is cached per process otherwise)."""
    import pista.health

    monkeypatch.setattr(pista.health, "READINESS_TTL_S", 0.0)
    pista.health._readiness_cached = None


def test_readyz_names_a_community_schema_that_misses_a_migration(
    fresh_readiness, platform_client, community_a
):
    from django.db import connection

    from tenants.models import SchemaVersion

    assert platform_client.get("/readyz").status_code == 200
    with connection.cursor() as cursor:
        cursor.execute(
            'DELETE FROM "alpha".django_migrations WHERE app = %s AND name = %s',
            ["outbox", "0001_initial"],
        )
    SchemaVersion.objects.filter(schema_name="alpha").delete()
    response = platform_client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["failing"] == ["migrations"]
    assert "alpha" in response.json()["checks"]["migrations"]


def test_readyz_names_a_template_that_is_behind(fresh_readiness, platform_client, db):
    from django.db import connection

    from tenants.models import SchemaVersion
    from tenants.provisioning.template import template_schema_name

    template = template_schema_name()
    with connection.cursor() as cursor:
        cursor.execute(
            f'DELETE FROM "{template}".django_migrations WHERE app = %s',
            ["outbox"],
        )
    SchemaVersion.objects.filter(schema_name=template).delete()
    response = platform_client.get("/readyz")
    assert response.status_code == 503
    assert template in response.json()["checks"]["migrations"]


def test_readyz_checks_every_schema_with_a_couple_of_queries_once_recorded(
    fresh_readiness, platform_client, community_a, community_b, django_assert_max_num_queries
):
    from tenants.provisioning.schema_versions import readiness_migrations_check

    readiness_migrations_check()  # records what it had to verify
    with django_assert_max_num_queries(3):
        readiness_migrations_check()


def test_readyz_is_cached_for_a_moment(platform_client, db, django_assert_num_queries):
    import pista.health

    pista.health._readiness_cached = None
    platform_client.get("/readyz")
    with django_assert_num_queries(0):
        assert platform_client.get("/readyz").status_code == 200


def test_a_value_the_database_refuses_is_a_400_never_a_5xx(rf):
    from django.db import DataError

    from pista.error_views import server_error

    request = rf.get("/api/v1/anything/", HTTP_ACCEPT="application/json")
    try:
        raise DataError("integer out of range")
    except DataError:
        response = server_error(request)
    assert response.status_code == 400
    assert json.loads(response.content)["code"] == "invalid_value"
