from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

from django.conf import settings

ENV_EXAMPLE = Path(settings.BASE_DIR) / ".env.example"


def production_variables() -> dict[str, str]:
    """The ``# PRODUCTION: NAME=value`` lines of .env.example."""
    variables = {}
    for line in ENV_EXAMPLE.read_text().splitlines():
        if line.startswith("# PRODUCTION: "):
            name, _, value = line.removeprefix("# PRODUCTION: ").partition("=")
            variables[name] = value
    return variables


def test_env_example_documents_every_production_variable():
    variables = production_variables()
    assert {"DJANGO_SECRET_KEY", "DJANGO_SECURE_HSTS_SECONDS", "DJANGO_SECURE_SSL_REDIRECT"} <= set(
        variables
    )


def test_check_deploy_prints_no_warnings_with_production_variables():
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "PISTA_TESTING"))
    }
    env.update(production_variables())
    env["DJANGO_SECRET_KEY"] = secrets.token_urlsafe(64)
    env["PISTA_TESTING"] = "0"
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout
