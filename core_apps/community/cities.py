"""A small built-in list of cities with their coordinates, so members pick a
city instead of typing latitude and longitude (no external geocoding service).
The partner finder's distance search uses the coordinates when the city is
known; another city is kept as text, without coordinates."""

from __future__ import annotations

CITIES: dict[str, tuple[float, float]] = {
    "Amsterdam": (52.37, 4.90),
    "Athens": (37.98, 23.73),
    "Barcelona": (41.39, 2.17),
    "Berlin": (52.52, 13.40),
    "Bordeaux": (44.84, -0.58),
    "Brussels": (50.85, 4.35),
    "Budapest": (47.50, 19.04),
    "Buenos Aires": (-34.60, -58.38),
    "Cologne": (50.94, 6.96),
    "Copenhagen": (55.68, 12.57),
    "Dublin": (53.35, -6.26),
    "Edinburgh": (55.95, -3.19),
    "Frankfurt": (50.11, 8.68),
    "Hamburg": (53.55, 9.99),
    "Helsinki": (60.17, 24.94),
    "Lisbon": (38.72, -9.14),
    "London": (51.51, -0.13),
    "Lyon": (45.76, 4.84),
    "Madrid": (40.42, -3.70),
    "Manchester": (53.48, -2.24),
    "Milan": (45.46, 9.19),
    "Munich": (48.14, 11.58),
    "New York": (40.71, -74.01),
    "Oslo": (59.91, 10.75),
    "Paris": (48.86, 2.35),
    "Porto": (41.15, -8.61),
    "Prague": (50.08, 14.44),
    "Rome": (41.90, 12.50),
    "Seville": (37.39, -5.98),
    "Stockholm": (59.33, 18.07),
    "Valencia": (39.47, -0.38),
    "Vienna": (48.21, 16.37),
    "Warsaw": (52.23, 21.01),
    "Zurich": (47.38, 8.54),
}

_BY_LOWER = {name.lower(): name for name in CITIES}


def city_coordinates(name: str) -> tuple[float, float] | None:
    """The coordinates of a listed city (any letter case), else None."""
    known = _BY_LOWER.get(name.strip().lower())
    return CITIES[known] if known else None
