"""Sentry starts when SENTRY_DSN is set, with personal data off."""

from __future__ import annotations

import os
import subprocess
import sys

from django.conf import settings

SCRIPT = """
import django
django.setup()
import sentry_sdk
client = sentry_sdk.get_client()
print(client.is_active(), client.options["send_default_pii"], client.options["environment"])
"""


def test_sentry_is_initialised_without_pii_when_a_dsn_is_set():
    env = {
        **os.environ,
        "SENTRY_DSN": "https://public@127.0.0.1:9/1",
        "SENTRY_ENVIRONMENT": "staging",
        "DJANGO_SETTINGS_MODULE": "pista.settings",
    }
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT],
        env=env,
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.split()[-3:] == ["True", "False", "staging"]
