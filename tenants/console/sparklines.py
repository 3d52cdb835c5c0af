"""Sparklines drawn on the server as inline SVG (no script, no inline style: CSP-safe)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

WIDTH = 120
HEIGHT = 28
PAD = 2


@dataclass(frozen=True)
class Sparkline:
    width: int
    height: int
    points: str  # the polyline's "x,y x,y …"
    area: str  # the filled area's polygon points
    last_x: float
    last_y: float


def sparkline(values: Sequence[float], *, width: int = WIDTH, height: int = HEIGHT) -> Sparkline:
    """Scale ``values`` into a ``width`` by ``height`` box (zero at the bottom)."""
    values = list(values) or [0]
    top = max(max(values), 1)
    step = (width - 2 * PAD) / max(len(values) - 1, 1)
    coords = [
        (round(PAD + i * step, 1), round(height - PAD - (v / top) * (height - 2 * PAD), 1))
        for i, v in enumerate(values)
    ]
    points = " ".join(f"{x},{y}" for x, y in coords)
    area = f"{coords[0][0]},{height - PAD} {points} {coords[-1][0]},{height - PAD}"
    return Sparkline(
        width=width,
        height=height,
        points=points,
        area=area,
        last_x=coords[-1][0],
        last_y=coords[-1][1],
    )
