"""Server-rendered SVG charts for the back office: no script, no inline style
(CSP), every label escaped. Colours come from presentation attributes."""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

ACCENT = "#2853c8"
SECOND = "#c8702a"
MUTED = "#5b6576"


def _svg(width: int, height: int, label: str, body: list[str]) -> SafeString:
    return mark_safe(  # noqa: S308 - every piece of text in ``body`` is escaped
        f'<svg class="bo-chart" viewBox="0 0 {width} {height}" width="100%" role="img" '
        f'aria-label="{escape(label)}" xmlns="http://www.w3.org/2000/svg">'
        f"<title>{escape(label)}</title>{''.join(body)}</svg>"
    )


def columns_svg(
    points: Sequence[tuple[str, float, str]], *, label: str, width: int = 720, height: int = 220
) -> SafeString:
    """Vertical bars, one per point ``(x label, value, value shown)`` (tickets
    or revenue per day); at most a dozen x labels are written."""
    top, bottom, left = 16, 28, 8
    plot_h = height - top - bottom
    body: list[str] = [
        f'<line x1="{left}" y1="{height - bottom}" x2="{width}" y2="{height - bottom}" '
        f'stroke="{MUTED}" stroke-width="1"/>'
    ]
    if not points:
        body.append(
            f'<text x="{width // 2}" y="{height // 2}" text-anchor="middle" fill="{MUTED}">—</text>'
        )
        return _svg(width, height, label, body)
    most = max(value for _, value, _ in points) or 1
    step = (width - left) / len(points)
    bar = max(1.0, step * 0.8)
    every = max(1, len(points) // 12)
    for index, (x_label, value, shown) in enumerate(points):
        h = plot_h * value / most
        x = left + index * step + (step - bar) / 2
        y = height - bottom - h
        body.append(
            f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar:.1f}" height="{h:.1f}" fill="{ACCENT}">'
            f"<title>{escape(x_label)}: {escape(shown)}</title></rect>"
        )
        if index % every == 0:
            body.append(
                f'<text x="{x + bar / 2:.1f}" y="{height - 10}" font-size="10" '
                f'text-anchor="middle" fill="{MUTED}">{escape(x_label)}</text>'
            )
    body.append(
        f'<text x="{left}" y="{top - 4}" font-size="10" fill="{MUTED}">'
        f"{escape(max(points, key=lambda p: p[1])[2])}</text>"
    )
    return _svg(width, height, label, body)


def bars_svg(
    rows: Sequence[tuple[str, float, str]],
    *,
    label: str,
    width: int = 720,
    colour: str = ACCENT,
) -> SafeString:
    """Horizontal bars, one per row ``(label, value, value shown)``."""
    row_h, label_w = 24, 220
    height = max(row_h, row_h * len(rows)) + 8
    body: list[str] = []
    most = max((value for _, value, _ in rows), default=0) or 1
    for index, (name, value, shown) in enumerate(rows):
        y = 4 + index * row_h
        w = (width - label_w - 90) * value / most
        body.append(
            f'<text x="{label_w - 6}" y="{y + 16}" font-size="12" text-anchor="end" '
            f'fill="#1d2430">{escape(name[:40])}</text>'
            f'<rect x="{label_w}" y="{y + 4}" width="{w:.1f}" height="{row_h - 8}" '
            f'fill="{colour}"/>'
            f'<text x="{label_w + w + 6:.1f}" y="{y + 16}" font-size="12" '
            f'fill="{MUTED}">{escape(shown)}</text>'
        )
    if not rows:
        body.append(f'<text x="{width // 2}" y="18" text-anchor="middle" fill="{MUTED}">—</text>')
    return _svg(width, height, label, body)


def pairs_svg(
    rows: Sequence[tuple[str, int, int]], *, label: str, names: tuple[str, str], width: int = 720
) -> SafeString:
    """Two bars per row (leaders and followers of each class)."""
    row_h, label_w = 34, 220
    height = max(row_h, row_h * len(rows)) + 24
    most = max((max(a, b) for _, a, b in rows), default=0) or 1
    body: list[str] = [
        f'<rect x="{label_w}" y="4" width="10" height="10" fill="{ACCENT}"/>'
        f'<text x="{label_w + 14}" y="13" font-size="11" fill="{MUTED}">{escape(names[0])}</text>'
        f'<rect x="{label_w + 120}" y="4" width="10" height="10" fill="{SECOND}"/>'
        f'<text x="{label_w + 134}" y="13" font-size="11" fill="{MUTED}">{escape(names[1])}</text>'
    ]
    for index, (name, first, second) in enumerate(rows):
        y = 22 + index * row_h
        scale = (width - label_w - 60) / most
        body.append(
            f'<text x="{label_w - 6}" y="{y + 18}" font-size="12" text-anchor="end" '
            f'fill="#1d2430">{escape(name[:40])}</text>'
            f'<rect x="{label_w}" y="{y + 2}" width="{first * scale:.1f}" height="12" '
            f'fill="{ACCENT}"/>'
            f'<text x="{label_w + first * scale + 4:.1f}" y="{y + 12}" font-size="10" '
            f'fill="{MUTED}">{first}</text>'
            f'<rect x="{label_w}" y="{y + 16}" width="{second * scale:.1f}" height="12" '
            f'fill="{SECOND}"/>'
            f'<text x="{label_w + second * scale + 4:.1f}" y="{y + 26}" font-size="10" '
            f'fill="{MUTED}">{second}</text>'
        )
    return _svg(width, height, label, body)
