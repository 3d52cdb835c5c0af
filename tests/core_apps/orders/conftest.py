"""Fixtures of the order tests: localstripe (Stripe's stand-in) on loopback."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from core_apps.orders.models import PaymentSettings
from tests.conftest import service_unavailable

WEBHOOK_SECRET = "whsec_pista_tests"
STARTUP_TIMEOUT_S = 30.0
START_ATTEMPTS = 3


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _answers(url: str) -> bool:
    try:
        requests.get(url + "/v1/customers", auth=("sk_test_x", ""), timeout=2)
    except requests.RequestException:
        return False
    return True


class LocalStripe:
    """One localstripe process, started again on a new port if it dies.

    A port picked free can be taken before localstripe binds it, and a loaded
    machine can be slow to start it: both are retried rather than failing a
    whole module of tests with "connection refused".
    """

    def __init__(self, binary: str) -> None:
        self.binary = binary
        self.log = Path(tempfile.mkdtemp(prefix="localstripe-")) / "localstripe.log"
        self.process: subprocess.Popen[bytes] | None = None
        self.url = ""

    def ensure_running(self) -> str:
        if self.process is not None and self.process.poll() is None and _answers(self.url):
            return self.url
        self.stop()
        for _ in range(START_ATTEMPTS):
            if self._start():
                return self.url
            self.stop()
        tail = self.log.read_text(errors="replace")[-2000:] if self.log.exists() else ""
        pytest.fail(f"localstripe did not start after {START_ATTEMPTS} attempts:\n{tail}")

    def _start(self) -> bool:
        port = _free_port()
        self.url = f"http://127.0.0.1:{port}"
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                [self.binary, "--port", str(port)], stdout=log, stderr=subprocess.STDOUT
            )
        deadline = time.monotonic() + STARTUP_TIMEOUT_S
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                return False
            if _answers(self.url):
                return True
            time.sleep(0.1)
        return False

    def stop(self) -> None:
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        self.process = None


@pytest.fixture(scope="session")
def localstripe_server() -> Iterator[LocalStripe]:
    binary = Path(sys.executable).with_name("localstripe")
    found = str(binary) if binary.exists() else shutil.which("localstripe")
    if not found:
        service_unavailable("localstripe is not installed")
    server = LocalStripe(found)
    yield server
    server.stop()


@pytest.fixture
def localstripe_url(localstripe_server: LocalStripe) -> str:
    """The URL of a localstripe that answers now (restarted if it died)."""
    return localstripe_server.ensure_running()


@pytest.fixture
def stripe_ready(settings, localstripe_url, in_a):
    settings.STRIPE_API_KEY = "sk_test_pista"
    settings.STRIPE_API_BASE = localstripe_url
    settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
    # localstripe doesn't implement application_fee_amount: the fee is unit-tested below.
    settings.PISTA_STRIPE_APPLICATION_FEE_PERMILLE = 0
    PaymentSettings.objects.create(stripe_account_id="acct_pista_alpha")
    return localstripe_url
