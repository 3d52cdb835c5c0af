from __future__ import annotations

import json
import os
import subprocess
import sys

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
