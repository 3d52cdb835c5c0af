"""Validation of community slugs and domain names."""

from __future__ import annotations

import re

import idna
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

SLUG_RE = re.compile(r"^[a-z][a-z0-9-]{1,38}[a-z0-9]$")
DOMAIN_LABEL_RE = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")

# Host labels the platform keeps for itself or that would confuse people, and
# slugs whose schema name PostgreSQL or Pista already uses.
RESERVED_SLUGS = frozenset(
    "www api admin public app apps assets auth billing blog cdn cms community communities "
    "dashboard dev docs help mail media metrics ops operator platform pista root signup "
    "static status support system template test healthz readyz information-schema "
    "pista-template".split()
)


def validate_community_slug(slug: str) -> None:
    """Raise ValidationError unless ``slug`` is usable as a sub-domain and schema name."""
    if not SLUG_RE.match(slug):
        raise ValidationError(
            _(
                "Invalid slug %(slug)r: use 3 to 40 lowercase letters, digits and hyphens, "
                "starting with a letter and not ending with a hyphen."
            )
            % {"slug": slug},
            code="invalid_slug",
        )
    if slug in RESERVED_SLUGS or slug.startswith("pg-"):  # pg_* schemas are PostgreSQL's
        raise ValidationError(
            _("The slug %(slug)r is reserved.") % {"slug": slug}, code="reserved_slug"
        )


def normalise_domain(domain: str) -> str:
    """The canonical form of a host name: lower-case ASCII, internationalised
    labels in punycode (``Bücher.Example`` → ``xn--bcher-kva.example``), no
    trailing dot. Raise ValidationError when it is not a host name (IP
    addresses included: communities are reached by name).
    """
    host = domain.strip().rstrip(".")
    invalid = ValidationError(
        _("Invalid domain %(domain)r.") % {"domain": domain[:300]}, code="invalid_domain"
    )
    if not host or len(host) > 1000:
        raise invalid
    if not host.isascii():
        try:
            host = idna.encode(host, uts46=True).decode("ascii")
        except (idna.IDNAError, UnicodeError) as exc:
            raise invalid from exc
    host = host.lower()
    labels = host.split(".")
    if (
        len(host) > 253
        or len(labels) < 2
        or not all(DOMAIN_LABEL_RE.match(label) for label in labels)
        or labels[-1].isdigit()
    ):
        raise invalid
    return host
