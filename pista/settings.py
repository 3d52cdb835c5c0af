"""Pista settings, read from the environment (see ``.env.example``)."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import environ
from csp.constants import NONCE, NONE, SELF

from pista.embedded_db import embedded_database_settings
from pista.env import Env
from pista.secret_key import secret_key_checked

BASE_DIR = Path(__file__).resolve().parent.parent

# Strict: a malformed value stops start-up with a message naming the variable.
env = Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DJANGO_DEBUG", default=False)
# pytest imports these settings itself; anything else can set PISTA_TESTING.
TESTING = env.bool("PISTA_TESTING", default="pytest" in sys.modules)
# Refuses to start without a private key unless DEBUG or TESTING (pista.secret_key).
SECRET_KEY = secret_key_checked(
    env.str("DJANGO_SECRET_KEY", default=""), debug=DEBUG, testing=TESTING
)
# Every community brings its own domains, so the real host allow-list is the
# tenants.Domain table: the tenant middleware answers 404 for any other host.
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["*"])

# Communities live at <slug>.<base domain>; the platform site at the base domain.
PISTA_BASE_DOMAIN = env.str("PISTA_BASE_DOMAIN", default="localhost:8000")
PISTA_SCHEME = env.str("PISTA_SCHEME", default="http")
# Custom domains: the DNS servers verification asks (empty: the machine's
# resolvers; "host:port[,host:port]" otherwise), its timeout in seconds, and
# the host custom domains point their CNAME at (default: the platform host).
PISTA_DNS_RESOLVER = env.str("PISTA_DNS_RESOLVER", default="")
PISTA_DNS_TIMEOUT = env.float("PISTA_DNS_TIMEOUT", default=3.0)
PISTA_CNAME_TARGET = env.str("PISTA_CNAME_TARGET", default="")
PISTA_REQUIRE_SERVICES = env.bool("PISTA_REQUIRE_SERVICES", default=False)
METRICS_TOKEN = env.str("PISTA_METRICS_TOKEN", default="")

# --- Applications ---------------------------------------------------------
DJANGO_CORE_APPS = [
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
]
ACCOUNT_APPS = [
    "core_apps.accounts",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.usersessions",
    "axes",
]
API_APPS = ["rest_framework", "drf_spectacular", "drf_spectacular_sidecar"]
WAGTAIL_APPS = [
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    # Pages translated in the page editor (docs/translations.md).
    "wagtail.contrib.simple_translation",
    "wagtail.locales",
    "django.contrib.sitemaps",
    "wagtail.contrib.sitemaps",
    "wagtail.embeds",
    "wagtail.sites",
    # Wagtail's users app, whose user editor cannot change an email (accounts).
    "core_apps.accounts.wagtail_users_app.PistaUsersAppConfig",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
]
PISTA_TENANT_APPS = [
    "themes",
    "cms",
    "core_apps.events",
    "core_apps.ticketing",
    "core_apps.orders",
    "core_apps.bookings",
    "core_apps.backoffice",
    "core_apps.artists",
    "core_apps.venues",
    "core_apps.community",
    "core_apps.privacy",
    "core_apps.integrations",
]

SHARED_APPS = [
    "django_tenants",
    "pista",
    # Effects that must follow a commit, in every schema (the platform's too).
    "pista.outbox",
    "tenants",
    "billing",
    *DJANGO_CORE_APPS,
    "django.contrib.admin",
    *ACCOUNT_APPS,
    *API_APPS,
    "csp",
    # The audit log lives in every schema: operators' actions are kept in public.
    "core_apps.privacy",
]
TENANT_APPS = [
    "pista.outbox",
    *DJANGO_CORE_APPS,
    *ACCOUNT_APPS,
    *WAGTAIL_APPS,
    *PISTA_TENANT_APPS,
]
INSTALLED_APPS = list(dict.fromkeys([*SHARED_APPS, *TENANT_APPS]))

TENANT_MODEL = "tenants.Community"
TENANT_DOMAIN_MODEL = "tenants.Domain"
PUBLIC_SCHEMA_NAME = "public"
PUBLIC_SCHEMA_URLCONF = "pista.urls_public"
ROOT_URLCONF = "pista.urls_tenant"
# New communities are cloned from this prepared schema instead of running every
# migration (tenants.provisioning.template keeps it current).
TENANT_BASE_SCHEMA = "pista_template"
TENANT_CREATION_FAKES_MIGRATIONS = True
TENANT_LIMIT_SET_CALLS = True

MIDDLEWARE = [
    "pista.health.HealthCheckMiddleware",
    "tenants.routing.middleware.TlsAskMiddleware",
    # The on-sale queue's status and join endpoints, polled by every waiting
    # browser: answered from Redis like the probes, before the per-request
    # bookkeeping, routing, sessions and views (they set their own headers).
    "core_apps.ticketing.salequeue.middleware.SaleQueueStatusMiddleware",
    "pista.metrics.MetricsMiddleware",
    # Security headers first, so that every answer carries them — redirects to a
    # primary domain, unknown-host 404s and suspended-community 503s included.
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    # /cms/ only: Wagtail's inline scripts run with the request's nonce (cms.middleware).
    "cms.middleware.AdminCSPMiddleware",
    # Bodies over the limits are refused before anything reads them (413).
    "pista.request_limits.RequestSizeLimitMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "tenants.routing.middleware.CommunityMiddleware",
    # NUL and control characters in paths, query strings and forms: 400 (themed).
    "pista.request_limits.RequestCharactersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The community's language, the visitor's choice or Accept-Language.
    "tenants.routing.language.CommunityLanguageMiddleware",
    # Anonymous pages from the page cache, before the rest of the stack
    # (pista.pagecache; after the community and the language are known).
    "pista.pagecache.middleware.PageCacheMiddleware",
    "django.middleware.common.CommonMiddleware",
    # ETag and 304 Not Modified on the API's reads (pista.api.etag).
    "pista.api.etag.ApiETagMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    # Idle and absolute session lifetimes, then the staff two-factor rule.
    "core_apps.accounts.middleware.SessionLifetimeMiddleware",
    "core_apps.accounts.middleware.StaffMFAMiddleware",
    "cms.middleware.CommunityRedirectMiddleware",
    "cms.middleware.AdminAccessMiddleware",
    "axes.middleware.AxesMiddleware",
    "core_apps.privacy.middleware.PolicyRepromptMiddleware",
    # Last, so its process_exception sees a view's ApplicationError first: the
    # one HTML path of a domain error (a themed 4xx page).
    "pista.error_views.ApplicationErrorMiddleware",
]

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "pista" / "templates"],
        "OPTIONS": {
            # The active theme's templates come first (themes.loaders); the
            # cache keys carry the theme, so a switch shows at once.
            "loaders": [
                (
                    "themes.loaders.ThemeCachedLoader",
                    [
                        "themes.loaders.ThemeLoader",
                        "django.template.loaders.filesystem.Loader",
                        "django.template.loaders.app_directories.Loader",
                    ],
                )
            ],
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "tenants.routing.context_processors.community",
                "tenants.routing.language.language_switcher",
                "csp.context_processors.nonce",
                "themes.context_processors.theme",
            ],
        },
    },
]

WSGI_APPLICATION = "pista.wsgi.application"
ASGI_APPLICATION = "pista.asgi.application"

# --- Database -------------------------------------------------------------
PISTA_EMBEDDED_DB = not env.str("DATABASE_URL", default="")
DATABASES = {
    "default": (
        embedded_database_settings(BASE_DIR)
        if PISTA_EMBEDDED_DB
        else env.db_url("DATABASE_URL", engine="pista.db")
    )
}
DATABASES["default"]["ENGINE"] = "pista.db"
# Lets a helper process (the test suite's Celery worker) use the test database.
DATABASES["default"]["NAME"] = env.str("PISTA_DATABASE_NAME", default=DATABASES["default"]["NAME"])
# Persistent connections: one per process and thread, not one per request.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=600)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DATABASES["default"].setdefault("OPTIONS", {})["connect_timeout"] = env.int(
    "DATABASE_CONNECT_TIMEOUT", default=5
)
DATABASE_ROUTERS = ["django_tenants.routers.TenantSyncRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis, cache, Celery -------------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="")
_TENANT_KEYS = {
    "KEY_FUNCTION": "django_tenants.cache.make_key",
    "REVERSE_KEY_FUNCTION": "django_tenants.cache.reverse_key",
}


def _cache_redis_url(broker_url: str) -> str:
    """The cache's Redis when only REDIS_URL is given: the broker's own, except in
    tests, which empty the cache between tests and so take the next database."""
    if not TESTING:
        return broker_url
    parts = urlsplit(broker_url)
    database = int(parts.path.strip("/") or 0)
    return urlunsplit(parts._replace(path=f"/{(database + 1) % 16}"))


if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": env.str("CACHE_REDIS_URL", default=_cache_redis_url(REDIS_URL)),
            # Per database, so test runs against different databases never share keys.
            "KEY_PREFIX": env.str(
                "CACHE_KEY_PREFIX", default=f"pista:{DATABASES['default']['NAME']}"
            ),
            # A Redis outage degrades to the database (cache misses), never
            # to a 500: reads answer "not cached", writes are dropped, quickly.
            "OPTIONS": {
                "SOCKET_CONNECT_TIMEOUT": 0.5,
                "SOCKET_TIMEOUT": 1,
                "IGNORE_EXCEPTIONS": True,
            },
            **_TENANT_KEYS,
        }
    }
    # Rate limits must know when Redis is gone (pista.ratelimit decides, per
    # limit, whether that lets requests through or refuses them).
    CACHES["ratelimit"] = {
        **CACHES["default"],
        "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 0.5, "SOCKET_TIMEOUT": 1},
    }
    DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
    DJANGO_REDIS_LOGGER = "pista.cache"
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "pista",
            **_TENANT_KEYS,
        }
    }
CACHES.setdefault("ratelimit", CACHES["default"])
CACHES["renditions"] = {**CACHES["default"], "TIMEOUT": 600}
# Anonymous pages and the site chrome (pista.pagecache). Errors reach the page
# cache, which then renders uncached for a while instead of waiting on every call.
CACHES["pages"] = {
    **CACHES["default"],
    "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 0.25, "SOCKET_TIMEOUT": 0.5} if REDIS_URL else {},
}
# Full-page cache of anonymous community pages (docs/performance.md). Off
# without Redis: each process's local memory would miss other processes'
# invalidations. Off in tests, whose tests of it switch it on.
PISTA_PAGE_CACHE = env.bool("PISTA_PAGE_CACHE", default=bool(REDIS_URL) and not TESTING)
# Longest a cached page lives whatever happens (lists of upcoming events age by
# themselves); an event page's availability ("12 places left", sold out) at most
# PISTA_PAGE_CACHE_AVAILABILITY_SECONDS behind the sales.
PISTA_PAGE_CACHE_SECONDS = env.int("PISTA_PAGE_CACHE_SECONDS", default=300)
PISTA_PAGE_CACHE_AVAILABILITY_SECONDS = env.int("PISTA_PAGE_CACHE_AVAILABILITY_SECONDS", default=10)
# After a Redis error, pages render uncached for this long before Redis is tried again.
PISTA_PAGE_CACHE_RETRY_SECONDS = env.float("PISTA_PAGE_CACHE_RETRY_SECONDS", default=5.0)

CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=REDIS_URL or "memory://localhost/")
CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default=REDIS_URL or None)
# Without Redis, tasks run in the calling process (the embedded default); the
# test suite runs them eagerly too, except where a test drives a real worker.
CELERY_TASK_ALWAYS_EAGER = env.bool("PISTA_CELERY_EAGER", default=not REDIS_URL or TESTING)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_DEFAULT_QUEUE = "default"
# The worker touches this file every PISTA_WORKER_HEARTBEAT_S (its liveness probe).
PISTA_WORKER_HEARTBEAT_FILE = env.str(
    "PISTA_WORKER_HEARTBEAT_FILE", default=str(BASE_DIR / ".pista" / "run" / "worker-heartbeat")
)
PISTA_WORKER_HEARTBEAT_S = env.float("PISTA_WORKER_HEARTBEAT_S", default=10.0)
PISTA_OUTBOX_SWEEP_INTERVAL_S = env.float("PISTA_OUTBOX_SWEEP_INTERVAL_S", default=30.0)
# Queues: default, mail, webhooks, payments — routed by task name.
CELERY_TASK_ROUTES = {
    "core_apps.orders.tasks.stripe_event_process_task": {"queue": "webhooks"},
    "billing.tasks.platform_event_process_task": {"queue": "webhooks"},
    "core_apps.orders.tasks.order_paid_task": {"queue": "payments"},
    "*_send_task": {"queue": "mail"},
    "*webhook*": {"queue": "webhooks"},
    "*payment*": {"queue": "payments"},
    "*_notify_task": {"queue": "mail"},
}
# A task is acknowledged when it is done, and requeued when its worker process
# dies under it; the outbox (pista.outbox) re-drives whatever is lost anyway.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Publishing to a broker that is down fails fast (the outbox keeps the work) …
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2}
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "socket_connect_timeout": 2,
    "socket_timeout": 10,
    "retry_on_timeout": True,
    "health_check_interval": 10,
    # Unacknowledged tasks of a worker that vanished come back after this.
    "visibility_timeout": 600,
}
# … and a worker whose broker drops keeps retrying the connection, forever,
# instead of exiting or hanging (its supervisor restarts it if it ever does).
CELERY_BROKER_CONNECTION_RETRY = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_CONNECTION_MAX_RETRIES = None
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = True
CELERY_RESULT_BACKEND_TRANSPORT_OPTIONS = {"socket_connect_timeout": 2, "socket_timeout": 10}
CELERY_RESULT_EXPIRES = 3600
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = "UTC"
CELERY_BEAT_SCHEDULE = {
    # Outbox messages whose hand-over to the broker failed, whose worker died, or
    # that back off after a failure are delivered by these sweeps.
    "outbox-sweep-platform": {
        "task": "pista.outbox.tasks.outbox_sweep_task",
        "schedule": PISTA_OUTBOX_SWEEP_INTERVAL_S,
    },
    "outbox-sweep-communities": {
        "task": "tenants.tasks.community_fanout_task",
        "kwargs": {"task_name": "pista.outbox.tasks.outbox_sweep_task"},
        "schedule": PISTA_OUTBOX_SWEEP_INTERVAL_S,
    },
    # The pool of spare schemas is topped up after every signup (through the
    # outbox); this also refills it after a deploy discarded its spares or
    # PISTA_SPARE_SCHEMAS grew.
    "spare-schemas-refill": {"task": "tenants.tasks.spare_schemas_refill_task", "schedule": 300.0},
    # Pending and failed custom domains are re-checked with backoff
    # (tenants.domains.services.recheck_delay); the beat only finds the due ones.
    "domains-recheck": {"task": "tenants.tasks.domains_recheck_task", "schedule": 60.0},
    # Subscriptions past due get reminders, go read-only, then suspended.
    "billing-dunning": {"task": "billing.tasks.dunning_run_task", "schedule": 3600.0},
    "billing-trial-expiry": {"task": "billing.tasks.trial_expiry_run_task", "schedule": 3600.0},
    # Lapsed cart holds give their places back (checkout also checks lazily).
    "orders-expire-holds": {
        "task": "tenants.tasks.community_fanout_task",
        "kwargs": {"task_name": "core_apps.orders.tasks.orders_expire_task"},
        "schedule": 60.0,
    },
    # Data past its retention period (core_apps/privacy/inventory.py) goes, daily.
    "privacy-retention": {
        "task": "tenants.tasks.community_fanout_task",
        "kwargs": {"task_name": "core_apps.privacy.tasks.retention_enforce_task"},
        "schedule": 86400.0,
    },
    # Community exports are deleted once past their retention.
    "community-exports-prune": {
        "task": "tenants.tasks.community_fanout_task",
        "kwargs": {"task_name": "tenants.tasks.community_exports_prune_task"},
        "schedule": 86400.0,
    },
    # Outbound webhook retries whose time has come (core_apps.integrations.webhooks).
    "webhook-retries": {
        "task": "tenants.tasks.community_fanout_task",
        "kwargs": {"task_name": "core_apps.integrations.tasks.webhook_deliveries_due_task"},
        "schedule": 60.0,
    },
    # Finished webhook deliveries leave the delivery log after 30 days.
    "webhook-deliveries-prune": {
        "task": "tenants.tasks.community_fanout_task",
        "kwargs": {"task_name": "core_apps.integrations.tasks.webhook_deliveries_prune_task"},
        "schedule": 86400.0,
    },
    # Uptime: the readiness checks once a minute, recorded for the weekly report.
    "uptime-probe": {"task": "tenants.console.tasks.uptime_probe_task", "schedule": 60.0},
    # Communities whose deletion grace period is over are deleted for good.
    "communities-purge-due": {
        "task": "tenants.tasks.communities_purge_due_task",
        "schedule": 3600.0,
    },
    # Members get one email digest of their notifications, never one per message.
    "community-notification-digests": {
        "task": "tenants.tasks.community_fanout_task",
        "kwargs": {"task_name": "core_apps.community.tasks.notification_digests_send_task"},
        "schedule": 3600.0,
    },
}

# Outbound webhooks reach only public https addresses. Tests list loopback
# receivers here ("127.0.0.1:PORT"); production leaves it empty (not from the env).
PISTA_WEBHOOK_ALLOWED_TARGETS: list[str] = []

# The outbox: a message is swept once this long after it was recorded (normally
# delivered at commit already); failures back off from PISTA_OUTBOX_BACKOFF_S,
# doubling, and give up (status failed, shown to operators) after MAX_ATTEMPTS.
PISTA_OUTBOX_SWEEP_GRACE_S = env.int("PISTA_OUTBOX_SWEEP_GRACE_S", default=60)
PISTA_OUTBOX_BACKOFF_S = env.int("PISTA_OUTBOX_BACKOFF_S", default=30)
PISTA_OUTBOX_MAX_ATTEMPTS = env.int("PISTA_OUTBOX_MAX_ATTEMPTS", default=12)
PISTA_OUTBOX_KEEP_DONE_DAYS = env.int("PISTA_OUTBOX_KEEP_DONE_DAYS", default=7)

# New community schemas replay a pg_dump of the template (tenants.provisioning.template); the
# default is the embedded server's pg_dump or the one on PATH.
PISTA_PG_DUMP = env.str("PISTA_PG_DUMP", default="")
# Private files (invoices) are reached through links signed for this long.
PISTA_PRIVATE_LINK_SECONDS = env.int("PISTA_PRIVATE_LINK_SECONDS", default=900)
# Pre-cloned schemas kept ready so a signup renames one instead of cloning (0: off).
# The pool is refilled by a Celery task, so it is off by default without Redis
# (eager tasks would make the signup wait for the refill) and in tests.
# Processes ``migrate_all`` uses to bring communities up to date.
PISTA_MIGRATE_PROCESSES = env.int("PISTA_MIGRATE_PROCESSES", default=os.cpu_count() or 2)
PISTA_SPARE_SCHEMAS = env.int("PISTA_SPARE_SCHEMAS", default=2 if REDIS_URL and not TESTING else 0)

# Wagtail's background tasks run immediately, inside the request's tenant schema.
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}

# --- Accounts -------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "core_apps.accounts.password_validation.MaximumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "core_apps.accounts.password_validation.BreachedPasswordValidator"},
    {"NAME": "core_apps.accounts.password_validation.CommunityNameValidator"},
]
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
# Sign-up asks to accept the community's current privacy policy and terms.
ACCOUNT_SIGNUP_FORM_CLASS = "core_apps.privacy.forms.SignupConsentForm"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
# Confirmation keys are random rows in each community's own table, not HMACs of
# the address id: an HMAC key from one community would confirm the address with
# the same id in another (every schema counts ids from 1; one SECRET_KEY).
ACCOUNT_EMAIL_CONFIRMATION_HMAC = False
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = True
ACCOUNT_DEFAULT_HTTP_PROTOCOL = PISTA_SCHEME
# Account emails render in the community's theme (themes.services).
ACCOUNT_ADAPTER = "core_apps.accounts.adapter.AccountAdapter"
ACCOUNT_RATE_LIMITS = {"login_failed": "10/m/ip,5/5m/key"}
# Changing the email address asks for the password (or a second factor) again
# unless the user signed in within the last five minutes; so do the two-factor
# pages (MFA_REAUTHENTICATION_REQUIRED, on by default). Changing the password
# asks for the current one. A password reset never signs in.
ACCOUNT_REAUTHENTICATION_REQUIRED = True
ACCOUNT_REAUTHENTICATION_TIMEOUT = 300
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
# Two-factor authentication (allauth.mfa): authenticator apps, passkeys (also
# for signing in without a password) and recovery codes. Required for staff,
# decided by permission (core_apps.accounts.security.mfa_required_for),
# optional for members; the pages that change the email address, the password
# or the authenticators need a session that proved it
# (core_apps.accounts.middleware.StaffMFAMiddleware).
MFA_ADAPTER = "core_apps.accounts.adapter.MFAAdapter"
MFA_SUPPORTED_TYPES = ["totp", "webauthn", "recovery_codes"]
MFA_PASSKEY_LOGIN_ENABLED = True
MFA_TOTP_TOLERANCE = 0
# allauth refuses two-factor set-up until the email address is verified, so
# that a stranger who signed up with someone's address can't lock them out.
# Here unverified accounts cannot sign in at all (mandatory verification), with
# one exception: a community's founder, signed in by the welcome link right
# after creating it, who must set up two-factor before the onboarding works.
MFA_ALLOW_UNVERIFIED_EMAIL = True
# Passkeys need a secure origin; plain http is allowed in development only.
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = DEBUG or TESTING
# Sessions: new id at sign-in (Django), then ended after an idle period and an
# absolute lifetime, shorter for staff (core_apps.accounts.middleware).
PISTA_STAFF_SESSION_IDLE_MINUTES = env.int("PISTA_STAFF_SESSION_IDLE_MINUTES", default=30)
PISTA_STAFF_SESSION_ABSOLUTE_HOURS = env.float("PISTA_STAFF_SESSION_ABSOLUTE_HOURS", default=12)
PISTA_MEMBER_SESSION_IDLE_DAYS = env.float("PISTA_MEMBER_SESSION_IDLE_DAYS", default=14)
PISTA_MEMBER_SESSION_ABSOLUTE_DAYS = env.float("PISTA_MEMBER_SESSION_ABSOLUTE_DAYS", default=90)
SESSION_COOKIE_AGE = int(PISTA_MEMBER_SESSION_IDLE_DAYS * 86400)
# Members see and end their sessions at /accounts/sessions/ (allauth.usersessions).
USERSESSIONS_TRACK_ACTIVITY = False
# Failed-login throttling (django-axes), per account and per client address,
# in each community's own tables. A lock lifts by itself after the cool-off and
# failures during a lock don't extend it: an attacker can't lock a victim out
# for good.
AXES_FAILURE_LIMIT = env.int("PISTA_LOGIN_FAILURE_LIMIT", default=10)
AXES_COOLOFF_TIME = env.float("PISTA_LOGIN_COOLOFF_HOURS", default=0.25)
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_USERNAME_CALLABLE = "core_apps.accounts.throttling.axes_username"
AXES_CLIENT_IP_CALLABLE = "pista.ratelimit.axes_client_ip"
AXES_LOCKOUT_TEMPLATE = "account/lockout.html"
AXES_VERBOSE = False
# How many reverse proxies in front of Pista append to X-Forwarded-For; with 0
# the header is ignored (it is client-controlled).
PISTA_TRUSTED_PROXY_COUNT = env.int("PISTA_TRUSTED_PROXY_COUNT", default=0)
LOGIN_REDIRECT_URL = "/"
LOGIN_URL = "/accounts/login/"
# Argon2id at OWASP's minimum; scrypt and PBKDF2 hashes still verify and are
# upgraded at the next sign-in (core_apps.accounts.hashers).
PISTA_PASSWORD_HASHERS = [
    "core_apps.accounts.hashers.Argon2idPasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
PASSWORD_HASHERS = (
    ["django.contrib.auth.hashers.MD5PasswordHasher"] if TESTING else PISTA_PASSWORD_HASHERS
)

# --- Wagtail --------------------------------------------------------------
WAGTAIL_SITE_NAME = "Pista"
WAGTAILADMIN_BASE_URL = f"{PISTA_SCHEME}://{PISTA_BASE_DOMAIN}"
# One way in: allauth's forms only. Wagtail's sign-in forms are redirected to
# allauth's (pista/urls_tenant.py); its account page changes neither the email
# address nor the password, it has no password reset of its own, and its user
# editor sets no passwords (people set theirs through allauth's reset link).
WAGTAILADMIN_LOGIN_URL = LOGIN_URL
WAGTAIL_FRONTEND_LOGIN_URL = LOGIN_URL
WAGTAIL_PASSWORD_MANAGEMENT_ENABLED = False
WAGTAIL_PASSWORD_RESET_ENABLED = False
WAGTAIL_EMAIL_MANAGEMENT_ENABLED = False
# No Gravatar: the admin loads no third-party images (CSP img-src, privacy).
WAGTAIL_GRAVATAR_PROVIDER_URL = None
WAGTAILUSERS_PASSWORD_ENABLED = False
WAGTAILDOCS_EXTENSIONS = ["pdf", "docx", "odt", "txt", "csv", "xlsx"]
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
# Communities that publish in two languages translate their pages: each
# community's schema has a Locale per enabled language (cms.services.locales_sync)
# and a page is served in the visitor's language at its usual address
# (cms.wagtail_hooks). Languages are set in LANGUAGES below.
WAGTAIL_I18N_ENABLED = True
# Uploaded images: raster formats only (no SVG), checked by content, size-limited.
WAGTAILIMAGES_EXTENSIONS = ["gif", "jpg", "jpeg", "png", "webp"]
WAGTAILIMAGES_MAX_UPLOAD_SIZE = 10 * 1024 * 1024
WAGTAILIMAGES_MAX_IMAGE_PIXELS = 40_000_000
# …and stored without EXIF or other metadata (cms.forms, pista.images).
WAGTAILIMAGES_IMAGE_FORM_BASE = "cms.forms.SanitisedImageForm"

# --- API ------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Partner programs: Authorization: Api-Key <key>, scopes enforced.
        "core_apps.integrations.authentication.ApiKeyAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticatedOrReadOnly"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["pista.api.parsers.StrictJSONParser"],
    "DEFAULT_PAGINATION_CLASS": "pista.api.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "pista.api.exceptions.exception_handler",
    "DEFAULT_VERSIONING_CLASS": None,
    # Per API key, per client address, and on public writes (docs/api/rate-limits.md).
    "DEFAULT_THROTTLE_CLASSES": ["core_apps.integrations.throttling.ApiThrottle"],
    "DEFAULT_THROTTLE_RATES": {
        "api_key": env.str("PISTA_API_RATE_PER_KEY", default="1200/minute"),
        "address": env.str("PISTA_API_RATE_PER_ADDRESS", default="600/minute"),
        "public_write": env.str("PISTA_API_RATE_PUBLIC_WRITES", default="30/minute"),
    },
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Pista community API",
    "DESCRIPTION": "The REST API every Pista community serves under /api/v1/.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    # Swagger UI assets are self-hosted: no CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "PREPROCESSING_HOOKS": ["pista.api.schema.public_api_only"],
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "core_apps.integrations.schema.add_common_responses",
    ],
    # Several models have a "kind" or "status": give each choice set its own name.
    "ENUM_NAME_OVERRIDES": {
        "EventKindEnum": "core_apps.events.models.Event.Kind",
        "EventStatusEnum": "core_apps.events.models.Event.Status",
        "EventDateStatusEnum": "core_apps.events.models.EventDate.Status",
        "ProductKindEnum": "core_apps.ticketing.models.Product.Kind",
        "ProductStatusEnum": "core_apps.ticketing.models.Product.Status",
        "AttendeeQuestionKindEnum": "core_apps.ticketing.models.AttendeeQuestion.Kind",
        "ArtistBookingStatusEnum": "core_apps.artists.models.ArtistBooking.Status",
        "SpaceBookingStatusEnum": "core_apps.venues.models.SpaceBooking.Status",
        "EventVisibilityEnum": "core_apps.events.models.Event.Visibility",
        "ProfileVisibilityEnum": "core_apps.community.models.profiles.Visibility",
        "ArtistDanceRoleEnum": "core_apps.artists.models.DanceRole",
        "DancerRoleEnum": ["lead", "follow", "both"],
        "OrderStatusEnum": "core_apps.orders.models.Order.Status",
        "PositionStatusEnum": "core_apps.orders.models.Position.Status",
        "WaitlistStatusEnum": "core_apps.orders.models.WaitlistEntry.Status",
        "AttendeeRoleEnum": ["", "lead", "follow", "switch"],
    },
}

# --- i18n -----------------------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("es", "Español"), ("de", "Deutsch")]
# The visitor's language choice, kept only with their consent (tenants.routing.language).
LANGUAGE_COOKIE_NAME = "pista_language"
WAGTAIL_CONTENT_LANGUAGES = LANGUAGES
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# --- Static and media -----------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / ".pista" / "static"
# Each theme package keeps its static files beside its templates
# (``themes/<theme>/static``, ``themes.registry.Theme.static_dir``); found by
# path, so the settings import no app.
STATICFILES_DIRS = sorted(path for path in (BASE_DIR / "themes").glob("*/static") if path.is_dir())
MEDIA_URL = "/media/"
MEDIA_ROOT = env.path("PISTA_MEDIA_ROOT", default=BASE_DIR / ".pista" / "media")
MULTITENANT_RELATIVE_MEDIA_ROOT = "%s"
STORAGES = {
    # Every community's files live under its own schema-named prefix.
    "default": {"BACKEND": "pista.storage.TenantFileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or TESTING
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
# Private files (community exports): never under MEDIA_ROOT, no URL; handed out
# only through signed, expiring links checked against the requesting user.
PISTA_PRIVATE_ROOT = env.path("PISTA_PRIVATE_ROOT", default=BASE_DIR / ".pista" / "private")
STORAGES["private"] = {"BACKEND": "pista.storage.TenantPrivateFileSystemStorage"}
# With S3, private files go under this bucket prefix. A hyphen can't occur in a
# schema name, so no community's media prefix can ever contain it.
PISTA_PRIVATE_S3_LOCATION = env.str("PISTA_PRIVATE_S3_LOCATION", default="private-files")
if env.str("AWS_STORAGE_BUCKET_NAME", default=""):
    STORAGES["default"] = {"BACKEND": "pista.storage.TenantS3Storage"}
    STORAGES["private"] = {"BACKEND": "pista.storage.TenantPrivateS3Storage"}
    AWS_STORAGE_BUCKET_NAME = env.str("AWS_STORAGE_BUCKET_NAME")
    AWS_S3_ENDPOINT_URL = env.str("AWS_S3_ENDPOINT_URL", default=None)
    AWS_S3_REGION_NAME = env.str("AWS_S3_REGION_NAME", default=None)
    AWS_DEFAULT_ACL = None
    AWS_QUERYSTRING_AUTH = True
WHITENOISE_USE_FINDERS = DEBUG or TESTING
WHITENOISE_AUTOREFRESH = DEBUG or TESTING
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# Largest multipart body (uploads); JSON and form bodies are held to
# DATA_UPLOAD_MAX_MEMORY_SIZE (pista.request_limits).
PISTA_MAX_UPLOAD_BYTES = env.int("PISTA_MAX_UPLOAD_BYTES", default=25 * 1024 * 1024)

# --- Email ----------------------------------------------------------------
EMAIL_BACKEND = env.str(
    "EMAIL_BACKEND",
    default=(
        "django.core.mail.backends.locmem.EmailBackend"
        if TESTING
        else "pista.mail.StderrEmailBackend"
    ),
)
EMAIL_FILE_PATH = env.str("EMAIL_FILE_PATH", default="")  # the file backend's folder
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Pista <no-reply@pista.localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
ANYMAIL = {
    k.removeprefix("ANYMAIL_"): v for k, v in env.ENVIRON.items() if k.startswith("ANYMAIL_")
}

# --- Security -------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = env.bool("DJANGO_SECURE_COOKIES", default=not DEBUG and not TESTING)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
# Cookies are host-only (no Domain attribute: never shared across community
# hosts); with secure cookies their names carry the __Host- prefix, which makes
# browsers refuse them unless Secure, Path=/ and without Domain.
SESSION_COOKIE_DOMAIN = None
CSRF_COOKIE_DOMAIN = None
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_NAME = "__Host-sessionid" if SESSION_COOKIE_SECURE else "sessionid"
CSRF_COOKIE_NAME = "__Host-csrftoken" if CSRF_COOKIE_SECURE else "csrftoken"
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=False)
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = env.bool("DJANGO_SECURE_HSTS_PRELOAD", default=True)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy (django-csp): scripts only from our origin or with the
# per-request nonce; no inline or eval'd script anywhere, the Wagtail admin
# included (see cms/templates/wagtailadmin and cms/static/cms/admin-init.js).
# Stripe.js (STRIPE_JS_URL) is allowed on the owner's plan page only (billing.views).
# Inline style attributes stay allowed: Wagtail's admin sets them.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, "'unsafe-inline'"],
        "img-src": [SELF, "data:", "blob:"],
        "font-src": [SELF, "data:"],
        "connect-src": [SELF],
        "frame-src": [
            SELF,
            "https://www.youtube-nocookie.com",
            "https://www.youtube.com",
            "https://player.vimeo.com",
        ],
        "media-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
# Only the check-in page may use the camera (it sets its own header).
PERMISSIONS_POLICY = {
    "accelerometer": [],
    "camera": [],
    "geolocation": [],
    "gyroscope": [],
    "magnetometer": [],
    "microphone": [],
    "payment": ["self", "https://js.stripe.com"],
    "usb": [],
}
if env.bool("DJANGO_BEHIND_PROXY", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# --- Observability --------------------------------------------------------
LOG_LEVEL = env.str("LOG_LEVEL", default="INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_context": {"()": "pista.logging.RequestContextFilter"}},
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": (
                "%(asctime)s %(levelname)s %(name)s %(message)s"
                " %(tenant)s %(request_id)s %(user_id)s"
            ),
        },
        "plain": {"format": "%(levelname)s %(name)s [%(tenant)s] %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_context"],
            "formatter": env.str("LOG_FORMAT", default="plain"),
        }
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "pgserver": {"level": "WARNING"},
        "wagtail": {"level": "WARNING"},
        "django_tasks": {"level": "WARNING"},
    },
}
SENTRY_DSN = env.str("SENTRY_DSN", default="")
if SENTRY_DSN:
    import sentry_sdk

    # No personal data: no user emails, addresses, cookies or request bodies.
    sentry_sdk.init(
        dsn=SENTRY_DSN,
        send_default_pii=False,
        environment=env.str("SENTRY_ENVIRONMENT", default="production"),
        traces_sample_rate=env.float("SENTRY_TRACES_SAMPLE_RATE", default=0.0),
    )

# --- Community data: export and deletion -----------------------------------
# Hours a community export's download link works.
PISTA_COMMUNITY_EXPORT_LINK_HOURS = env.int("PISTA_COMMUNITY_EXPORT_LINK_HOURS", default=72)
# Days a community export is kept before a beat job deletes it.
PISTA_COMMUNITY_EXPORT_RETENTION_DAYS = env.int("PISTA_COMMUNITY_EXPORT_RETENTION_DAYS", default=7)
# Days between an owner's deletion request and the deletion for good (the owner
# may cancel meanwhile; the community is closed to visitors).
PISTA_COMMUNITY_DELETION_GRACE_DAYS = env.int("PISTA_COMMUNITY_DELETION_GRACE_DAYS", default=30)

# --- Orders and payments ----------------------------------------------------
PISTA_HOLD_MINUTES = env.int("PISTA_HOLD_MINUTES", default=15)
# How long a product stays known as sold out without asking the database
# (core_apps.ticketing.sold_out); dropped earlier when places come back.
PISTA_SOLD_OUT_FLAG_S = env.int("PISTA_SOLD_OUT_FLAG_S", default=10)
PISTA_MANUAL_PAYMENT_DAYS = env.int("PISTA_MANUAL_PAYMENT_DAYS", default=3)
PISTA_WAITLIST_OFFER_HOURS = env.int("PISTA_WAITLIST_OFFER_HOURS", default=24)
# The offline "simulated card" lets `make run` complete a purchase; never in production.
PISTA_SIMULATED_PAYMENTS = env.bool("PISTA_SIMULATED_PAYMENTS", default=DEBUG or TESTING)
STRIPE_API_KEY = env.str("STRIPE_API_KEY", default="")
STRIPE_API_BASE = env.str("STRIPE_API_BASE", default="")  # localstripe in tests
# The owner's plan page takes a card in Stripe's own fields (Stripe.js, loaded
# from STRIPE_JS_URL: localstripe serves a stand-in at <localstripe>/js.stripe.com/v3/).
STRIPE_PUBLISHABLE_KEY = env.str("STRIPE_PUBLISHABLE_KEY", default="")
STRIPE_JS_URL = env.str("STRIPE_JS_URL", default="https://js.stripe.com/v3/")
STRIPE_WEBHOOK_SECRET = env.str("STRIPE_WEBHOOK_SECRET", default="")
STRIPE_WEBHOOK_TOLERANCE = env.int("STRIPE_WEBHOOK_TOLERANCE", default=300)
# The platform endpoint POST /stripe/webhook/ (billing): platform events are
# signed with its secret (default: STRIPE_WEBHOOK_SECRET), connected accounts'
# events with the Connect endpoint's.
STRIPE_PLATFORM_WEBHOOK_SECRET = env.str("STRIPE_PLATFORM_WEBHOOK_SECRET", default="")
STRIPE_CONNECT_WEBHOOK_SECRET = env.str("STRIPE_CONNECT_WEBHOOK_SECRET", default="")
# Dunning: reminders while past due, read-only after the first, suspended after.
PISTA_DUNNING_READ_ONLY_AFTER_DAYS = env.int("PISTA_DUNNING_READ_ONLY_AFTER_DAYS", default=7)
PISTA_DUNNING_SUSPEND_AFTER_DAYS = env.int("PISTA_DUNNING_SUSPEND_AFTER_DAYS", default=21)
# The platform's application fee on card payments, per mille of the amount.
PISTA_STRIPE_APPLICATION_FEE_PERMILLE = env.int("PISTA_STRIPE_APPLICATION_FEE_PERMILLE", default=20)
# What the platform's hosting costs a month (servers, database, storage…), in
# minor units of PISTA_INFRA_COST_CURRENCY, entered by the operator: the weekly
# report (manage.py platform_weekly_report, the console) shows its weekly share.
PISTA_INFRA_COST_MONTHLY_MINOR = env.int("PISTA_INFRA_COST_MONTHLY_MINOR", default=0)
PISTA_INFRA_COST_CURRENCY = env.str("PISTA_INFRA_COST_CURRENCY", default="EUR")
