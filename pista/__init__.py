"""Pista: the Django project (the design card's ``platform/``).

Named ``pista`` because a package called ``platform`` would shadow the standard
library module that Celery, Stripe, botocore and collectstatic import.
"""

from pista.celery import app as celery_app

__all__ = ["celery_app"]
