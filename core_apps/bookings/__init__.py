"""The booking core shared by artists' gigs and venues' space bookings.

Both apps book one *owner* (an artist, a space) for a time range, through a
small state machine whose confirmed bookings may never overlap. What is the same
lives here; each app keeps its own models, rules, prices and URLs:

- ``ranges``: the exclusion-constraint expressions, the constraint itself and the
  guard that turns its violation into ``BookingConflict``; time checks.
- ``workflow``: ``InvalidTransition``, the transitions table, row locks in pk
  order, and the audit entry that notifies the other side.
- ``money``: amounts in minor units and currency codes.
- ``availability``: busy periods between two times.
- ``models``: the abstract audit entry (no tables of its own).
- ``selectors``, ``forms``, ``serializers``, ``api``, ``views``: the plumbing of
  lookups, inputs and workflow steps that both apps' pages and API share.

It is an installed app only so that its ``money`` template filter and shared
templates are found; it has no tables and no migrations.
"""
