"""The operator console at ``/console/`` on the platform host: communities,
their usage and health, operator actions (audited) and a platform overview.

Operators only (platform ``is_staff``/``is_superuser`` users of the public
schema) with a second factor proved in the session. Usage figures are read
from each community's schema with raw SQL on the domain apps' tables (named
through the app registry, never imported: the platform imports no domain app).
"""
