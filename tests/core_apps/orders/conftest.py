"""Fixtures of the order tests: localstripe (Stripe's stand-in) on loopback."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from core_apps.orders.models import PaymentSettings
from tests.conftest import service_unavailable

WEBHOOK_SECRET = "whsec_pista_tests"


@pytest.fixture(scope="session")
def localstripe_url() -> Iterator[str]:
    binary = Path(sys.executable).with_name("localstripe")
    if not binary.exists() and not shutil.which("localstripe"):
        service_unavailable("localstripe is not installed")
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    process = subprocess.Popen(
        [str(binary), "--port", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    url = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            requests.get(url + "/v1/customers", auth=("sk_test_x", ""), timeout=1)
            break
        except requests.ConnectionError:
            time.sleep(0.1)
    yield url
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture
def stripe_ready(settings, localstripe_url, in_a):
    settings.STRIPE_API_KEY = "sk_test_pista"
    settings.STRIPE_API_BASE = localstripe_url
    settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
    # localstripe doesn't implement application_fee_amount: the fee is unit-tested below.
    settings.PISTA_STRIPE_APPLICATION_FEE_PERMILLE = 0
    PaymentSettings.objects.create(stripe_account_id="acct_pista_alpha")
    return localstripe_url
