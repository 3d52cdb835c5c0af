"""With DEBUG off, no process starts on a missing or published DJANGO_SECRET_KEY."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import SystemCheckError

from pista.secret_key import DEVELOPMENT_SECRET_KEY, PUBLISHED_SECRET_KEYS


def manage_check(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """``manage.py check`` in a fresh process, with no DJANGO_* variable inherited."""
    clean = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "PISTA_TESTING"))
    }
    return subprocess.run(
        [sys.executable, "manage.py", "check", *args],
        cwd=settings.BASE_DIR,
        env={**clean, "PISTA_TESTING": "0", **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def assert_refused_in_one_line(result: subprocess.CompletedProcess[str]) -> None:
    assert result.returncode != 0
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "DJANGO_SECRET_KEY" in lines[0]
    assert "Traceback" not in result.stderr


def test_start_up_without_a_secret_key_and_debug_off_exits_with_one_line():
    assert_refused_in_one_line(manage_check(DJANGO_DEBUG="0"))


@pytest.mark.parametrize("key", sorted(PUBLISHED_SECRET_KEYS))
def test_start_up_on_a_published_secret_key_and_debug_off_exits_with_one_line(key):
    assert_refused_in_one_line(manage_check(DJANGO_DEBUG="0", DJANGO_SECRET_KEY=key))


def test_start_up_with_an_empty_secret_key_and_debug_unset_exits_with_one_line():
    # DEBUG defaults to off: forgetting both variables is the production mistake.
    assert_refused_in_one_line(manage_check(DJANGO_SECRET_KEY=""))


def test_start_up_with_a_private_key_and_debug_off_runs():
    result = manage_check(DJANGO_DEBUG="0", DJANGO_SECRET_KEY=secrets.token_urlsafe(50))
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


def test_development_with_debug_on_runs_on_the_development_key_and_check_deploy_reports_it():
    assert manage_check(DJANGO_DEBUG="1").returncode == 0
    result = manage_check("--deploy", DJANGO_DEBUG="1")
    assert result.returncode != 0
    assert "pista.E001" in result.stderr
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_check_deploy_reports_a_published_key_in_process(settings):
    settings.SECRET_KEY = DEVELOPMENT_SECRET_KEY
    with pytest.raises(SystemCheckError, match=r"pista\.E001"):
        call_command("check", "--deploy", "--tag", "security")


def test_check_deploy_accepts_a_private_key_in_process(settings):
    settings.SECRET_KEY = secrets.token_urlsafe(50)
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_SSL_REDIRECT = True
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = True
    settings.DEBUG = False
    call_command("check", "--deploy", "--tag", "security", "--fail-level", "ERROR")
