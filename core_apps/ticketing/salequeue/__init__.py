"""An event's optional on-sale queue: a fair line for a rush.

While an organizer has it on, a visitor who wants a ticket of the event gets
a place in line (a signed ticket in a cookie), waits in the waiting room and,
admitted at the pace the organizer set, gets a signed pass to checkout valid
for the admission window. A checkout of the event without a valid pass is
refused, and each pass places one order.

- ``line``: the line in Redis (places, admissions, pass uses); no database.
- ``passes``: signing tickets and passes (per community and event).
- ``waiting``: a visitor's place, taken and told (no database).
- ``middleware``: the status and join endpoints, answered before routing.
- ``admission``: the checkout's gate and the one order per pass.
- ``services`` / ``selectors``: the settings (``ticketing.SaleQueue``) and
  their copy in Redis; ``views``, ``forms``, ``urls``: the waiting room and
  the back office page.
"""
