"""Start-up validation of the environment: a missing or malformed variable stops
the process with a message naming it; every value .env.example shows passes."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from pista.env import Env, EnvironmentVariableError

ENV_EXAMPLE = Path(settings.BASE_DIR) / ".env.example"
ASSIGNMENT = re.compile(r"^(?:# (?:PRODUCTION: )?)?([A-Z][A-Z0-9_]+)=(.*)$")


def _env(**values: str) -> Env:
    env = Env()
    env.ENVIRON = values
    return env


@pytest.mark.parametrize(
    ("reader", "var", "raw"),
    [
        ("bool", "DJANGO_DEBUG", "maybe"),
        ("int", "DATABASE_CONN_MAX_AGE", "ten minutes"),
        ("int", "PISTA_SPARE_SCHEMAS", "2.5"),
        ("float", "PISTA_LOGIN_COOLOFF_HOURS", "1.5h"),
        ("str", "DATABASE_URL", "mysql://db/pista"),
        ("str", "REDIS_URL", "localhost:6379"),
        ("str", "SENTRY_DSN", "not a dsn"),
    ],
)
def test_a_malformed_value_is_refused_naming_the_variable(reader, var, raw):
    with pytest.raises(EnvironmentVariableError, match=f"Environment variable {var} is malformed"):
        getattr(_env(**{var: raw}), reader)(var)


def test_urls_are_not_echoed_since_they_may_hold_passwords():
    with pytest.raises(EnvironmentVariableError) as caught:
        _env(DATABASE_URL="mysql://root:s3cret@db/pista").str("DATABASE_URL")
    assert "s3cret" not in str(caught.value)


def test_a_missing_required_variable_is_named():
    with pytest.raises(ImproperlyConfigured, match="DJANGO_SECRET_KEY"):
        _env().str("DJANGO_SECRET_KEY")


def test_well_formed_values_and_defaults_pass():
    env = _env(
        DJANGO_DEBUG="off",
        DATABASE_CONN_MAX_AGE=" 600 ",
        PISTA_LOGIN_COOLOFF_HOURS="0.25",
        DATABASE_URL="postgres://pista:pw@db:5432/pista",
        REDIS_URL="redis://redis:6379/0",
    )
    assert env.bool("DJANGO_DEBUG") is False
    assert env.int("DATABASE_CONN_MAX_AGE") == 600
    assert env.float("PISTA_LOGIN_COOLOFF_HOURS") == 0.25
    assert env.db_url("DATABASE_URL")["HOST"] == "db"
    assert env.str("REDIS_URL") == "redis://redis:6379/0"
    assert env.int("PISTA_SPARE_SCHEMAS", default=2) == 2


def _start(**overrides: str) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("PISTA_TESTING")}
    environment.update({"DJANGO_DEBUG": "1", **overrides})
    return subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=settings.BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_start_up_fails_fast_on_a_malformed_variable():
    result = _start(DATABASE_CONN_MAX_AGE="forever")
    assert result.returncode != 0
    assert "Environment variable DATABASE_CONN_MAX_AGE is malformed" in result.stderr


def test_every_value_env_example_shows_is_well_formed():
    """Commented examples included: uncommenting one must not break start-up."""
    shown = {}
    for line in ENV_EXAMPLE.read_text().splitlines():
        match = ASSIGNMENT.match(line)
        if match and match.group(2):
            shown[match.group(1)] = match.group(2)
    shown.pop("DJANGO_SECRET_KEY", None)  # the placeholder is refused on purpose
    assert {"DATABASE_URL", "REDIS_URL", "DATABASE_CONN_MAX_AGE"} <= set(shown)
    result = _start(**{**shown, "DJANGO_DEBUG": "1"})
    assert result.returncode == 0, result.stderr
    assert "is malformed" not in result.stderr
