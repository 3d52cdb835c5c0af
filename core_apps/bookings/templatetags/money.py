"""``{% load money %}``: the project's money and zoned-time filters (``pista.formats``)."""

from pista.templatetags.pista_formats import register

__all__ = ["register"]
