"""Acceptance: Debian's Caddy, configured by ``infra/Caddyfile`` with on-demand
internal TLS, in front of a running Pista (gunicorn), issues a certificate for
a verified domain and refuses one for an unverified or unknown domain.

Caddy asks Pista's ``/internal/tls-ask`` before issuing. The data is committed
(the server is another process), so this module works outside the per-test
transaction and removes what it created.
"""

from __future__ import annotations

import os
import shutil
import socket
import ssl
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.x509.oid import NameOID

from tenants.models import Community, Domain
from tenants.routing.services import domain_cache_forget
from tests.conftest import service_unavailable

# django_db makes the session set the test database up even when only this
# module runs; the data this module needs is committed by its own fixture.
pytestmark = [pytest.mark.caddy, pytest.mark.django_db]

REPO = Path(__file__).resolve().parents[2]
VERIFIED = "tls-ok.example"
PENDING = "tls-wait.example"
UNKNOWN = "tls-nobody.example"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for_port(port: int, process: subprocess.Popen, what: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{what} exited with {process.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{what} did not listen on {port} within {timeout}s")


def wait_for_health(port: int, process: subprocess.Popen, timeout: float = 180) -> None:
    """gunicorn listens before its worker has loaded Django: wait for /healthz."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {process.returncode}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=30) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise RuntimeError(f"Pista did not become healthy within {timeout}s")


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


def caddy_binary() -> str:
    """Debian's caddy, installed with apt when missing (as root)."""
    path = shutil.which("caddy")
    if path is None and shutil.which("apt-get") and os.geteuid() == 0:
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        subprocess.run(["apt-get", "update", "-qq"], env=env, timeout=600, check=False)
        subprocess.run(
            ["apt-get", "install", "-y", "-qq", "caddy"], env=env, timeout=600, check=False
        )
        path = shutil.which("caddy")
    if path is None:
        service_unavailable("Debian's caddy is not installed and could not be installed")
    assert path is not None
    return path


@dataclass(frozen=True)
class Stack:
    pista_port: int
    https_port: int
    storage: Path
    access_log: Path

    @property
    def root_ca(self) -> Path:
        return self.storage / "pki" / "authorities" / "local" / "root.crt"

    def asked(self, domain: str, wait: float = 10) -> list[str]:
        """Pista's answers (status codes) to Caddy's asks about ``domain``; waits
        a little for gunicorn's access log to catch up."""
        needle = f'GET /internal/tls-ask?domain={domain} HTTP/1.1" '
        deadline = time.monotonic() + wait
        while True:
            text = self.access_log.read_text() if self.access_log.exists() else ""
            answers = [
                line.split(needle, 1)[1].split()[0]
                for line in text.splitlines()
                if needle in line and "Go-http-client" in line  # Caddy, not this test
            ]
            if answers or time.monotonic() > deadline:
                return answers
            time.sleep(0.2)


@pytest.fixture(scope="module")
def committed_domains(django_db_setup, django_db_blocker) -> Iterator[str]:
    """A verified and a pending custom domain of community alpha, committed."""
    from django.db import connection

    hosts = [VERIFIED, PENDING]
    with django_db_blocker.unblock():
        alpha = Community.objects.get(slug="alpha")
        Domain.objects.filter(domain__in=hosts).delete()
        Domain.objects.create(domain=VERIFIED, tenant=alpha, status=Domain.Status.VERIFIED)
        Domain.objects.create(domain=PENDING, tenant=alpha, status=Domain.Status.PENDING)
        database = connection.settings_dict["NAME"]
    try:
        yield database
    finally:
        with django_db_blocker.unblock():
            Domain.objects.filter(domain__in=hosts).delete()
            domain_cache_forget(hosts)


@pytest.fixture(scope="module")
def stack(committed_domains, tmp_path_factory) -> Iterator[Stack]:
    """Pista under gunicorn, and Caddy in front of it with infra/Caddyfile."""
    caddy = caddy_binary()
    tmp = tmp_path_factory.mktemp("caddy")
    pista_port, http_port, https_port = free_port(), free_port(), free_port()
    pista = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "pista.wsgi:application",
            "--bind",
            f"127.0.0.1:{pista_port}",
            "--workers",
            "1",
            "--threads",
            "4",
            "--access-logfile",
            str(tmp / "access.log"),
        ],
        cwd=REPO,
        env={
            **os.environ,
            "PISTA_DATABASE_NAME": committed_domains,
            "PISTA_TESTING": "1",
            "HOME": str(tmp),  # gunicorn's control socket lives under $HOME
        },
        stdout=subprocess.DEVNULL,
        stderr=(tmp / "pista.log").open("w"),
    )
    caddy_process = None
    try:
        wait_for_health(pista_port, pista)
        caddy_process = subprocess.Popen(
            [caddy, "run", "--config", str(REPO / "infra" / "Caddyfile"), "--adapter", "caddyfile"],
            env={
                **os.environ,
                "HOME": str(tmp),
                "XDG_DATA_HOME": str(tmp / "data"),
                "XDG_CONFIG_HOME": str(tmp / "config"),
                "CADDY_ADMIN": "off",
                "CADDY_HTTP_PORT": str(http_port),
                "CADDY_HTTPS_PORT": str(https_port),
                "CADDY_STORAGE": str(tmp / "storage"),
                "PISTA_TLS_ISSUER": "internal",
                "PISTA_UPSTREAM": f"127.0.0.1:{pista_port}",
            },
            stdout=subprocess.DEVNULL,
            stderr=(tmp / "caddy.log").open("w"),
        )
        wait_for_port(https_port, caddy_process, "caddy")
        yield Stack(
            pista_port=pista_port,
            https_port=https_port,
            storage=tmp / "storage",
            access_log=tmp / "access.log",
        )
    finally:
        if caddy_process is not None:
            stop(caddy_process)
        stop(pista)


def handshake(stack: Stack, server_name: str, context: ssl.SSLContext) -> x509.Certificate:
    with (
        socket.create_connection(("127.0.0.1", stack.https_port), timeout=30) as raw,
        context.wrap_socket(raw, server_hostname=server_name) as tls,
    ):
        der = tls.getpeercert(binary_form=True)
    assert der is not None
    return x509.load_der_x509_certificate(der)


def unverified_context() -> ssl.SSLContext:
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    return context


def https_get(stack: Stack, context: ssl.SSLContext, host: str, target: str) -> tuple[int, dict]:
    """One HTTP/1.1 request over TLS to Caddy, with ``host`` as SNI and Host."""
    with (
        socket.create_connection(("127.0.0.1", stack.https_port), timeout=30) as raw,
        context.wrap_socket(raw, server_hostname=host) as tls,
    ):
        request = f"GET {target} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"
        tls.sendall(request.encode())
        data = b""
        while chunk := tls.recv(65536):
            data += chunk
    head = data.split(b"\r\n\r\n", 1)[0].decode("latin-1").split("\r\n")
    status = int(head[0].split()[1])
    headers = {k.strip().lower(): v.strip() for k, v in (line.split(":", 1) for line in head[1:])}
    return status, headers


def test_pista_behind_caddy_answers_the_ask(stack):
    url = f"http://127.0.0.1:{stack.pista_port}/internal/tls-ask?domain="
    with urllib.request.urlopen(url + VERIFIED, timeout=10) as response:  # noqa: S310
        assert response.status == 200
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(url + PENDING, timeout=10)  # noqa: S310
    assert refused.value.code == 404


def test_caddy_issues_a_certificate_for_a_verified_domain(stack):
    certificate = handshake(stack, VERIFIED, unverified_context())
    assert "200" in stack.asked(VERIFIED)  # Caddy asked Pista first

    names = certificate.extensions.get_extension_for_class(
        x509.SubjectAlternativeName
    ).value.get_values_for_type(x509.DNSName)
    assert names == [VERIFIED]
    issuer = certificate.issuer.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value
    assert "Caddy Local Authority" in issuer
    # The chain verifies against Caddy's internal root, hostname included …
    trusted = ssl.create_default_context(cafile=str(stack.root_ca))
    assert handshake(stack, VERIFIED, trusted).serial_number == certificate.serial_number
    # … and the request reaches Pista through the proxy: the verified
    # (non-primary) domain redirects to the community's primary, path and query kept.
    status, headers = https_get(stack, trusted, VERIFIED, "/events/?page=2")
    assert status == 301
    assert headers["location"] == "http://alpha.localhost:8000/events/?page=2"
    assert "x-request-id" in headers
    # The ask endpoint itself is not exposed through the proxy.
    status, _ = https_get(stack, trusted, VERIFIED, f"/internal/tls-ask?domain={VERIFIED}")
    assert status == 404


@pytest.mark.parametrize("server_name", [PENDING, UNKNOWN])
def test_caddy_refuses_a_certificate_for_an_unverified_or_unknown_domain(stack, server_name):
    with pytest.raises(ssl.SSLError):
        handshake(stack, server_name, unverified_context())
    # Refused because Pista said no, not for some other reason.
    assert stack.asked(server_name) and set(stack.asked(server_name)) == {"404"}
    assert not list(stack.storage.glob(f"certificates/*/{server_name}"))
