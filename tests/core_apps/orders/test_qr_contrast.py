"""Ticket QR codes are dark on light with a quiet zone of at least four modules
on every theme: as the order page shows them, and as the email attaches them."""

from __future__ import annotations

import io
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from PIL import Image

from core_apps.orders.qr import position_qr_png
from tenants.provisioning.services import community_theme_set
from tests.core_apps.events.factories import EventFactory, ProductFactory, QuotaFactory
from themes.colours import colour_parse, contrast_ratio
from themes.registry import THEME_BY_NAME

pytestmark = pytest.mark.django_db

MIN_CONTRAST = 7.0
MIN_QUIET_MODULES = 4


class QrSvg(HTMLParser):
    """The first QR SVG inside ``.qr`` on a page: its size, light ground and dark path."""

    def __init__(self) -> None:
        super().__init__()
        self.in_qr = False
        self.width = 0
        self.scale = 1.0
        self.paths: list[dict[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if tag == "div" and "qr" in values.get("class", "").split() and not self.width:
            self.in_qr = True
        elif self.in_qr and tag == "svg":
            self.width = int(values["width"])
        elif self.in_qr and tag == "g" and "scale(" in values.get("transform", ""):
            self.scale = float(re.search(r"scale\(([\d.]+)\)", values["transform"]).group(1))
        elif self.in_qr and tag == "path":
            self.paths.append(values)

    def handle_endtag(self, tag: str) -> None:
        if tag == "svg":
            self.in_qr = False


def dark_extent(d: str) -> tuple[float, float, float, float]:
    """The box (in modules) the dark path's horizontal strokes cover."""
    x = y = 0.0
    xs: list[float] = []
    ys: list[float] = []
    for command, first, second in re.findall(r"([MmHhVv])\s*(-?[\d.]+)(?:[\s,](-?[\d.]+))?", d):
        a = float(first)
        if command == "M":
            x, y = a, float(second)
        elif command == "m":
            x, y = x + a, y + float(second)
        elif command == "h":
            xs.extend([x, x + a])
            ys.append(y)
            x += a
        elif command == "H":
            xs.extend([x, a])
            ys.append(y)
            x = a
        elif command in "vV":
            y = y + a if command == "v" else a
    return min(xs), max(xs), min(ys) - 0.5, max(ys) + 0.5


def qr_page_checks(html: str) -> None:
    qr = QrSvg()
    qr.feed(html)
    assert qr.width, "no QR code on the page"
    size = qr.width / qr.scale  # modules, quiet zone included
    ground = [p for p in qr.paths if p.get("fill") and not p.get("stroke")]
    modules = [p for p in qr.paths if p.get("stroke")]
    assert ground and modules, qr.paths
    # The light ground covers the whole symbol, quiet zone included.
    assert re.fullmatch(rf"M0 0h{size:g}v{size:g}h-{size:g}z", ground[0]["d"]), ground[0]["d"]
    light, dark = colour_parse(ground[0]["fill"]), colour_parse(modules[0]["stroke"])
    assert sum(dark) < sum(light), "the modules must be the dark colour"
    assert contrast_ratio(dark, light) >= MIN_CONTRAST
    left, right, top, bottom = dark_extent(modules[0]["d"])
    assert min(left, top, size - right, size - bottom) >= MIN_QUIET_MODULES


def test_the_stylesheet_keeps_the_qr_on_its_own_white_ground():
    css = Path(finders.find("themes/layout.css")).read_text(encoding="utf-8")
    rule = re.search(r"\.qr \{([^}]*)\}", css).group(1)
    assert "background: #fff" in rule
    for theme in THEME_BY_NAME:
        path = finders.find(f"themes/{theme}/theme.css")
        if path:
            theme_css = Path(path).read_text(encoding="utf-8")
            # No theme restyles the QR (no tint, inversion or fill of its modules).
            assert not re.search(r"\.qr\b|svg\s*(path|rect)?\s*\{[^}]*(fill|filter)", theme_css)


def test_the_order_page_shows_a_dark_on_light_qr_with_a_quiet_zone_on_every_theme(
    client_a, community_a, in_a
):
    event = EventFactory()
    quota = QuotaFactory(size=10)
    product = ProductFactory(name="Pass", event=event, price_minor=1000, quotas=[quota])
    response = client_a.post(
        f"/orders/checkout/{product.pk}/",
        {"name": "Fay", "email": "fay@example.org", "role": "lead", "provider": "simulated"},
    )
    assert response.status_code == 302, response.content.decode()[:1000]
    order_url = response["Location"]
    paid = client_a.post(order_url + "pay/", {"card_number": "4242 4242 4242 4242"}, follow=True)
    assert 'data-status="paid"' in paid.content.decode()
    for theme in THEME_BY_NAME:
        community_theme_set(community=community_a, theme=theme)
        page = client_a.get(order_url).content.decode()
        assert f'data-theme="{theme}"' in page
        qr_page_checks(page)


def test_the_emailed_qr_png_is_dark_on_light_with_a_quiet_zone():
    image = Image.open(io.BytesIO(position_qr_png(secret="a-ticket-secret"))).convert("RGB")
    colours = {colour for _count, colour in image.getcolors(maxcolors=16)}
    assert len(colours) == 2
    dark, light = sorted(colours, key=sum)
    assert contrast_ratio(dark, light) >= MIN_CONTRAST
    assert image.getpixel((0, 0)) == light
    dark_pixels = [
        (x, y)
        for x in range(image.width)
        for y in range(image.height)
        if image.getpixel((x, y)) == dark
    ]
    module = 5  # scale
    left = min(x for x, _ in dark_pixels) // module
    top = min(y for _, y in dark_pixels) // module
    right = (image.width - 1 - max(x for x, _ in dark_pixels)) // module
    bottom = (image.height - 1 - max(y for _, y in dark_pixels)) // module
    assert min(left, top, right, bottom) >= MIN_QUIET_MODULES
