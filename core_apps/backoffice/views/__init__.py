"""Back-office pages. Each module owns its pages and their ``urlpatterns``,
included by ``core_apps.backoffice.urls`` under the ``manage`` namespace."""
