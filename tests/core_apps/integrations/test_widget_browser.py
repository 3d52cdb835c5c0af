"""The widget in Chromium: an embedding page on a listed loopback origin shows
it; the same page on another loopback origin is refused by frame-ancestors."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from django.core.servers.basehttp import ThreadedWSGIServer
from django.db import connections
from django.utils import timezone
from django_tenants.utils import schema_context

from core_apps.integrations.models import WidgetOrigin
from tenants.models import Community
from tests.browser import ClosingApp, QuietHandler, chromium


@contextmanager
def threaded_wsgi_server() -> Iterator[int]:
    """Pista on a loopback port, one thread per connection: the partner page
    loads the script and the iframe over parallel keep-alive connections."""
    httpd = ThreadedWSGIServer(("127.0.0.1", 0), QuietHandler, ipv6=False)
    httpd.daemon_threads = True
    httpd.set_app(ClosingApp())
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield httpd.server_address[1]
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=10)


def _embedding_site(community_base: str) -> ThreadingHTTPServer:
    page = (
        "<!DOCTYPE html><html><body><h1>Partner site</h1>"
        f'<div data-pista-widget="{community_base}"></div>'
        f'<script src="{community_base}/static/integrations/widget.js"></script>'
        "</body></html>"
    ).encode()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(page)))
            self.end_headers()
            self.wfile.write(page)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


@pytest.fixture
def sites(django_db_setup, django_db_blocker) -> Iterator[tuple[str, str, str]]:
    """Pista live, a listed partner site and an unlisted one (both on loopback)."""
    with django_db_blocker.unblock():
        community = Community.objects.get(slug="alpha")
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
        with threaded_wsgi_server() as port:
            base = f"http://alpha.localhost:{port}"
            listed, other = _embedding_site(base), _embedding_site(base)
            listed_origin = f"http://127.0.0.1:{listed.server_address[1]}"
            with schema_context(community.schema_name):
                WidgetOrigin.objects.all().delete()
                WidgetOrigin.objects.create(origin=listed_origin, created_at=timezone.now())
            try:
                yield base, listed_origin, f"http://127.0.0.1:{other.server_address[1]}"
            finally:
                for server in (listed, other):
                    server.shutdown()
                    server.server_close()
                with schema_context(community.schema_name):
                    WidgetOrigin.objects.all().delete()
                connections.close_all()


@pytest.mark.browser
def test_the_widget_renders_on_a_listed_site_and_is_refused_elsewhere(sites):
    from playwright.sync_api import expect

    _base, listed, other = sites
    with chromium() as browser:
        page = browser.new_page()
        page.set_default_timeout(20_000)
        page.goto(listed + "/", wait_until="load")
        frame = page.frame_locator("iframe")
        expect(frame.locator("h1")).to_contain_text("Upcoming events at Alpha Salsa")

        refused = browser.new_page()
        messages: list[str] = []
        refused.on("console", lambda message: messages.append(message.text))
        refused.goto(other + "/", wait_until="load")
        refused.wait_for_timeout(1500)
        assert refused.locator("iframe").count() == 1  # the script ran
        child = refused.frames[1] if len(refused.frames) > 1 else None
        assert child is not None
        # Chromium replaced the refused frame with its error page.
        assert child.url.startswith("chrome-error://"), child.url
        assert child.get_by_text("Upcoming events at").count() == 0
        assert any("frame-ancestors" in text for text in messages), messages
