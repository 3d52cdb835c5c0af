"""Demo members with varied dancer profiles for ``seed_demo`` (idempotent)."""

from __future__ import annotations

import random

from allauth.account.models import EmailAddress

from core_apps.accounts.models import User
from core_apps.community.models import AVAILABILITY_SLOTS, GOALS, CodeOfConductAcceptance
from core_apps.community.selectors.safety import code_of_conduct_current
from core_apps.community.services.profiles import profile_update
from core_apps.community.services.safety import code_of_conduct_publish
from tenants.demo import DEMO_PASSWORD
from tenants.models import Community

CODE_OF_CONDUCT = (
    "<p>Ask before you dance and accept a no with a smile. Respect everyone's "
    "boundaries on and off the floor. No harassment, no unwanted contact. "
    "Report anything that makes you uncomfortable; moderators will act.</p>"
)
STYLES_BY_COMMUNITY = {
    "salsa": ["salsa", "bachata", "kizomba"],
    "tango": ["tango", "zouk"],
    "swing": ["lindy", "wcs", "blues"],
}
CITIES = {
    "salsa": ("Berlin", 52.52, 13.40),
    "tango": ("Madrid", 40.42, -3.70),
    "swing": ("London", 51.51, -0.13),
}
NAMES = [
    "Ana", "Ben", "Carla", "Dev", "Elif", "Femi", "Greta", "Hugo", "Ines", "Jonas",
    "Kira", "Luis", "Maya", "Nico", "Olga", "Pablo", "Quinn", "Rosa", "Sami", "Tess",
]  # fmt: skip
LANGUAGES = ["en", "es", "de", "fr", "it", "pt"]


def community_demo_seed(community: Community) -> None:
    """Twenty members per demo community with varied, mostly member-visible profiles."""
    rng = random.Random(community.slug)  # noqa: S311 - the same demo every time, not secrets
    if code_of_conduct_current() is None:
        code_of_conduct_publish(text=CODE_OF_CONDUCT, by=None)
    code = code_of_conduct_current()
    styles = STYLES_BY_COMMUNITY.get(community.slug, ["salsa", "tango", "lindy"])
    city, lat, lon = CITIES.get(community.slug, ("Berlin", 52.52, 13.40))
    slots = list(AVAILABILITY_SLOTS)
    for index, name in enumerate(NAMES):
        email = f"{name.lower()}@{community.slug}.example"
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User.objects.create_user(email=email, password=DEMO_PASSWORD, display_name=name)
            EmailAddress.objects.get_or_create(
                user=user, email=email, defaults={"primary": True, "verified": True}
            )
        if code is not None:
            CodeOfConductAcceptance.objects.get_or_create(user=user, code=code)
        role = ["lead", "follow", "both"][index % 3]
        profile_update(
            user=user,
            changes={
                "display_name": name,
                "pronouns": rng.choice(["", "she/her", "he/him", "they/them"]),
                "bio": f"<p>{name} dances {', '.join(styles[: 1 + index % len(styles)])}.</p>",
                "city": city,
                "latitude": lat + rng.uniform(-0.2, 0.2),
                "longitude": lon + rng.uniform(-0.3, 0.3),
                "languages": rng.sample(LANGUAGES, k=1 + index % 3),
                "goals": rng.sample(list(GOALS), k=1 + index % 3),
                "availability": rng.sample(slots, k=3 + index % 5),
                "styles": [
                    {"style": style, "role": role, "level": 1 + (index + n) % 5}
                    for n, style in enumerate(styles[: 1 + index % len(styles)])
                ],
                # A few stay private, some public, most members-only.
                "visibility": ["members", "members", "public", "private"][index % 4],
                "allow_open_messages": index % 5 == 0,
            },
        )
