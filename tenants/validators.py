"""Validation of community slugs and domain names."""

from __future__ import annotations

import re

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
    """Lower-case a host name and validate it; raise ValidationError when it is not one."""
    host = domain.strip().lower().rstrip(".")
    labels = host.split(".")
    if (
        len(host) > 253
        or len(labels) < 2
        or not all(DOMAIN_LABEL_RE.match(label) for label in labels)
    ):
        raise ValidationError(
            _("Invalid domain %(domain)r.") % {"domain": domain}, code="invalid_domain"
        )
    return host
