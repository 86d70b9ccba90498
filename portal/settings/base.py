"""Base settings, driven by environment variables (DESIGN.md rule 11).

Every variable is prefixed ``DJANGO_`` except ``DATABASE_URL``. ``DEBUG`` defaults to False.
The thin ``dev``, ``test`` and ``prod`` modules override what differs.
"""

import os
from pathlib import Path

import dj_database_url
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env(name: str, default: str | None = None) -> str | None:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [part.strip() for part in (os.environ.get(name) or default).split(",") if part.strip()]


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


def load_dotenv(path: Path) -> None:
    """Read ``KEY=value`` lines of a local ``.env`` without overriding the real environment."""
    if not path.exists():
        return
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, value = line.split("=", 1)
        os.environ.setdefault(key.strip(), value.strip().strip('"').strip("'"))


load_dotenv(BASE_DIR / ".env")

SECRET_KEY = env("DJANGO_SECRET_KEY", "")
DEBUG = env_bool("DJANGO_DEBUG", False)
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_q",
    "django_htmx",
    "portal",
    "services",
    "issues",
    "policies",
    "insights",
    "open311",
    "voice",
    "market",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "portal.middleware.LocaleMiddleware",  # gives the thread its language back after the request
    "portal.middleware.RejectNulMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "portal.db_router.ReplicaRoutingMiddleware",
    "portal.middleware.IdleSessionTimeoutMiddleware",
    "portal.middleware.RequestContextMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"
ASGI_APPLICATION = "portal.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "portal.context_processors.portal",
                "django.template.context_processors.csp",
            ],
            # {{ obj|localized_name }} everywhere without a {% load %} (portal.i18n).
            "builtins": ["portal.templatetags.portal_i18n"],
        },
    },
]
# Django's, with the select widget written out in Python instead of a template per option.
FORM_RENDERER = "portal.form_renderer.PortalFormRenderer"

# --- Database -----------------------------------------------------------------------------
DATABASE_URL = env("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'var' / 'db.sqlite3'}"


def database_from_url(url: str) -> dict:
    config = dj_database_url.parse(url)
    engine = config["ENGINE"]
    if engine == "django.db.backends.sqlite3":
        if config["NAME"] and config["NAME"] != ":memory:":
            Path(config["NAME"]).parent.mkdir(parents=True, exist_ok=True)
        config["OPTIONS"] = {
            # WAL lets readers work while one writer writes; IMMEDIATE takes the write lock at
            # the start of a transaction so two writers queue instead of failing half-way.
            "init_command": ("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"),
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        }
    elif engine in {"django.db.backends.postgresql", "django.db.backends.postgresql_psycopg2"}:
        config["ENGINE"] = "django.db.backends.postgresql"
        config["OPTIONS"] = {
            **config.get("OPTIONS", {}),  # keep ?sslmode=… and friends from the URL
            "pool": {
                "min_size": env_int("DJANGO_DB_POOL_MIN", 2),
                "max_size": env_int("DJANGO_DB_POOL_MAX", 10),
                "timeout": 20,
            },
        }
        config["CONN_MAX_AGE"] = 0
    return config


DATABASES = {"default": database_from_url(DATABASE_URL)}
# Optional read replica (portal.db_router, docs/deployment.md "Read replica"): rankings, ledgers, exports and
# public pages read from it; a browser that just wrote reads from the primary for REPLICA_PIN_SECONDS.
DATABASE_REPLICA_URL = env("DATABASE_REPLICA_URL")
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = {**database_from_url(DATABASE_REPLICA_URL), "TEST": {"MIRROR": "default"}}
DATABASE_READ_REPLICA = "replica" if DATABASE_REPLICA_URL else None
DATABASE_ROUTERS = ["portal.db_router.ReplicaRouter"]
REPLICA_PIN_SECONDS = env_int("DJANGO_REPLICA_PIN_SECONDS", 10)
# `make bench` only (portal/bench.py): the one-query reference page and a query count per response.
PORTAL_BENCH_REFERENCE = env_bool("PORTAL_BENCH_REFERENCE", False)
if PORTAL_BENCH_REFERENCE:
    MIDDLEWARE = ["portal.bench.QueryCountMiddleware", *MIDDLEWARE]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Accounts -----------------------------------------------------------------------------
AUTH_USER_MODEL = "portal.User"
LOGIN_URL = "portal:login"
LOGIN_REDIRECT_URL = "portal:home"
LOGOUT_REDIRECT_URL = "portal:home"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "portal.validators.CharacterClassValidator"},
]
# 等保2.0: pause sign-ins after repeated failures (portal.lockout), log out idle sessions.
LOGIN_MAX_FAILURES = env_int("DJANGO_LOGIN_MAX_FAILURES", 5)  # one account name at one address
LOGIN_MAX_FAILURES_PER_ACCOUNT = env_int("DJANGO_LOGIN_MAX_FAILURES_PER_ACCOUNT", 20)  # from all addresses
LOGIN_MAX_FAILURES_PER_ADDRESS = env_int("DJANGO_LOGIN_MAX_FAILURES_PER_ADDRESS", 50)  # for all names
LOGIN_BACKOFF_SECONDS = env_int("DJANGO_LOGIN_BACKOFF_SECONDS", 60)  # the first pause; doubles each time
LOGIN_LOCKOUT_SECONDS = env_int("DJANGO_LOGIN_LOCKOUT_SECONDS", 900)  # the longest pause
LOGIN_BACKOFF_RESET_SECONDS = env_int("DJANGO_LOGIN_BACKOFF_RESET_SECONDS", 86400)  # quiet time that forgets
SESSION_IDLE_SECONDS = env_int("DJANGO_SESSION_IDLE_SECONDS", 1800)
API_TOKEN_TTL_HOURS = env_int("DJANGO_API_TOKEN_TTL_HOURS", 24)
# Audit rows are kept at least this long (等保2.0: six months; manage.py audit_purge refuses younger rows).
AUDIT_RETENTION_DAYS = env_int("DJANGO_AUDIT_RETENTION_DAYS", 184)
# Policy matching: the longest a worker keeps its compiled catalogue without re-reading it (docs/policies.md).
POLICY_CATALOGUE_MAX_AGE = env_int("DJANGO_POLICY_CATALOGUE_MAX_AGE", 300)
# Cookie flags: secure by default in production (prod.py), each one configurable.
SESSION_COOKIE_HTTPONLY = True
# Flash messages live in the server-side session, never in a cookie of their own (Django's default
# keeps them in an unsigned-content, unencrypted cookie): a message may name a person or a reference.
MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"
SESSION_COOKIE_SAMESITE = env("DJANGO_SESSION_COOKIE_SAMESITE", "Lax")
SESSION_COOKIE_SECURE = env_bool("DJANGO_SESSION_COOKIE_SECURE", False)
# The CSRF cookie stays readable by default: Swagger UI sends it back as a header (Django: HttpOnly adds
# nothing there).
CSRF_COOKIE_HTTPONLY = env_bool("DJANGO_CSRF_COOKIE_HTTPONLY", False)
CSRF_COOKIE_SAMESITE = env("DJANGO_CSRF_COOKIE_SAMESITE", "Lax")
CSRF_COOKIE_SECURE = env_bool("DJANGO_CSRF_COOKIE_SECURE", False)
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"

# --- Response headers -----------------------------------------------------------------------
# Content-Security-Policy on every response (Django's own middleware). No page needs inline script or
# style; a template that ever does adds nonce="{{ csp_nonce }}". Swagger UI (/api/docs/) has its own,
# looser style policy (portal.urls). HSTS is set in prod.py (it only means something over HTTPS).
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.NONCE],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# --- I18n ---------------------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("简体中文")), ("en", _("English"))]
# django-filter's empty choice said "- Select an option -" on the Chinese pages (issue 15).
FILTERS_EMPTY_CHOICE_LABEL = _("全部")
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "Asia/Shanghai"
USE_TZ = True

# --- Static and media ---------------------------------------------------------------------
STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env("DJANGO_STATIC_ROOT") or BASE_DIR / "staticfiles")
MEDIA_ROOT = Path(env("DJANGO_MEDIA_ROOT") or BASE_DIR / "var" / "media")
MEDIA_URL = "/media/"  # never served directly: downloads go through permission-checking views
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# --- Ledger exports (insights) ------------------------------------------------------------
# A 台账 with more rows than this is written by a django-q2 worker (an export job, "我的导出")
# instead of inside the web request; smaller ones stay immediate downloads.
LEDGER_EXPORT_ASYNC_ROWS = env_int("DJANGO_LEDGER_EXPORT_ASYNC_ROWS", 5000)
# Where the job files live. Private: no URL serves them, only the requester's download view reads
# them. Under MEDIA_ROOT by default, which is the shared mount that every app and worker host sees
# and may write (docs/deployment.md).
LEDGER_EXPORT_ROOT = Path(env("DJANGO_LEDGER_EXPORT_ROOT") or MEDIA_ROOT / "ledger-exports")
# Files older than this are deleted by the scheduled insights.sweep_ledger_exports; the job stays
# listed as expired.
LEDGER_EXPORT_RETENTION_DAYS = env_int("DJANGO_LEDGER_EXPORT_RETENTION_DAYS", 7)
# Seconds one export may run in a worker (django-q2 kills it then; a job still "running" after this
# is taken as crashed and retried, at most three attempts in all).
LEDGER_EXPORT_TIMEOUT = env_int("DJANGO_LEDGER_EXPORT_TIMEOUT", 1800)

# --- E-mail and SMS -----------------------------------------------------------------------
MAILERS = {
    "default": {
        "BACKEND": env("DJANGO_EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend"),
        "OPTIONS": {
            "host": env("DJANGO_EMAIL_HOST", "localhost"),
            "port": env_int("DJANGO_EMAIL_PORT", 25),
            "username": env("DJANGO_EMAIL_HOST_USER", ""),
            "password": env("DJANGO_EMAIL_HOST_PASSWORD", ""),
            "use_tls": env_bool("DJANGO_EMAIL_USE_TLS", False),
            "timeout": 20,
        },
    }
}
DEFAULT_FROM_EMAIL = env("DJANGO_DEFAULT_FROM_EMAIL", "portal@localhost")
SMS_BACKEND = env("DJANGO_SMS_BACKEND", "portal.sms.LoggingSmsBackend")
NOTIFICATION_MAX_ATTEMPTS = env_int("DJANGO_NOTIFICATION_MAX_ATTEMPTS", 5)
# A delivery claimed longer ago than this without an outcome is taken as abandoned (its worker died) and
# sent again with the same idempotency key. Longer than a task may run (Q_CLUSTER timeout, 300 s).
NOTIFICATION_SENDING_LEASE = env_int("DJANGO_NOTIFICATION_SENDING_LEASE", 900)

# --- Background work (django-q2) ----------------------------------------------------------
Q_CLUSTER = {
    # Every cluster of one site has the same name (the broker's queue and the signing salt); two sites
    # on one Redis need two names.
    "name": env("DJANGO_Q_NAME", "portal"),
    "workers": env_int("DJANGO_Q_WORKERS", 2),
    "timeout": 300,
    "retry": 360,
    "max_attempts": 3,
    "queue_limit": 50,
    "bulk": 10,
    "catch_up": False,
    "label": "django-q2",
}
if env("DJANGO_Q_REDIS_URL"):
    Q_CLUSTER["redis"] = env("DJANGO_Q_REDIS_URL")
else:
    Q_CLUSTER["orm"] = "default"

# --- API ----------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "portal.api.authentication.ExpiringTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "portal.api.pagination.PortalPagination",
    "PAGE_SIZE": 20,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "portal.api.exceptions.portal_exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    "DEFAULT_THROTTLE_CLASSES": ["portal.api.throttling.WriteRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {
        "auth": env("DJANGO_API_AUTH_RATE", "30/min"),
        "write": env("DJANGO_API_WRITE_RATE", "120/min"),
    },
    # JSON with size and nesting limits (portal/api/parsers.py), then the usual form parsers.
    "DEFAULT_PARSER_CLASSES": [
        "portal.api.parsers.LimitedJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
}
# Open311 GeoReport v2 (docs/open311.md): calls per key (per address without a key) and minute; the
# contact that discovery.json names.
OPEN311_RATE_PER_MINUTE = env_int("DJANGO_OPEN311_RATE_PER_MINUTE", 60)
OPEN311_CONTACT = env("DJANGO_OPEN311_CONTACT", "")
SPECTACULAR_SETTINGS = {
    "TITLE": "Enterprise Service Portal API",
    "DESCRIPTION": "企业综合服务平台 public API v1 (the contract: docs/api.md).",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {},
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "portal.api.schema.document_error_responses",
    ],
}

# --- Logging ------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("DJANGO_LOG_LEVEL", "INFO")},
    "loggers": {"django-q": {"level": "WARNING"}, "django_q": {"level": "WARNING"}, "jieba": {"level": "WARNING"}},
}

# A deployment's own name is shown as configured in every language; without one, the default in the reader's.
PORTAL_SITE_NAME = env("DJANGO_SITE_NAME", "") or _("企业综合服务平台")
PORTAL_BASE_URL = env("DJANGO_BASE_URL", "http://127.0.0.1:8000")
