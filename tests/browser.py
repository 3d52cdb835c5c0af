"""Shared pieces for browser tests: a live WSGI server thread and Debian's Chromium.

pytest-django's ``live_server`` forces ``transactional_db``, whose flush would
truncate the public schema's tenant tables under the session's communities;
browser tests therefore run this server thread against committed data that
they create and delete themselves.
"""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.core.handlers.wsgi import WSGIHandler
from django.core.servers.basehttp import WSGIRequestHandler, WSGIServer
from django.db import connections

from tests.conftest import service_unavailable

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


class QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        pass


class ClosingApp:
    """Django's WSGI app that closes the server thread's database connection after
    every request, so none is left open when the test database is dropped."""

    def __init__(self) -> None:
        self.app = WSGIHandler()

    def __call__(self, environ: dict[str, Any], start_response: Any) -> list[bytes]:
        response = self.app(environ, start_response)
        try:
            return [b"".join(response)]
        finally:
            response.close()
            connections.close_all()


@contextmanager
def wsgi_server() -> Iterator[int]:
    """Serve Pista on a free loopback port in a thread; yield the port.

    Any ``*.localhost`` host reaches it (Chromium resolves them to loopback)."""
    httpd = WSGIServer(("127.0.0.1", 0), QuietHandler, ipv6=False)
    httpd.set_app(ClosingApp())
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield httpd.server_address[1]
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=10)


@contextmanager
def chromium() -> Iterator[Any]:
    """A headless Debian Chromium driven by Playwright (fails in CI when missing)."""
    if not (os.path.exists(CHROMIUM) or shutil.which("chromium")):
        service_unavailable("Chromium is not installed at /usr/bin/chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()
