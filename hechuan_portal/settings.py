"""Settings for the Hechuan "一老一幼" portal, read from the environment (DESIGN §4).

Top to bottom: the base (apps, middleware, database, cache, i18n, files), security (sessions, login
lockout, second factor, CSP, uploads, audit), then integrations (API, OpenAPI, Celery, maps, logging).
Every setting is defined once, here; docs/DEPLOYMENT.md lists the environment variables.
"""

import os
from pathlib import Path
from urllib.parse import urlsplit

import environ
from csp.constants import NONCE, NONE, SELF
from django.utils.translation import gettext_lazy as _

from hechuan_portal.storage import media_storage

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env(
    DEBUG=(bool, False),
    ALLOWED_HOSTS=(list, ["127.0.0.1", "localhost"]),
    TIANDITU_KEY=(str, ""),
    SECURE_COOKIES=(bool, False),
)
# A developer's .env (written by `make` on first set-up) fills in what the shell does not set.
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

# =================================================================================================
# Base
# =================================================================================================

DEBUG = env("DEBUG")
# Required, no default: a deployment that forgets it must fail loudly rather than run with a known key.
SECRET_KEY = env("SECRET_KEY")
# Base64 of 32 random bytes; keys for ID-number encryption and the blind index are derived from it.
FIELD_ENCRYPTION_KEY = env("FIELD_ENCRYPTION_KEY")
ALLOWED_HOSTS = env("ALLOWED_HOSTS")
TIANDITU_KEY = env("TIANDITU_KEY")
# A district tile server ({z}/{x}/{y} URL template, WGS 84 web-mercator tiles) for an intranet
# without the internet; when set it is the basemap, before 天地图 and OpenStreetMap (issue 19).
MAP_TILE_URL = env("MAP_TILE_URL", default="")

INSTALLED_APPS = [
    "hechuan_portal.accounts.apps.PortalAdminConfig",  # django.contrib.admin with the portal's site
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.gis",
    "django.contrib.humanize",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "leaflet",
    "import_export",
    "django_celery_beat",
    "hechuan_portal.accounts",
    "hechuan_portal.areas",
    "hechuan_portal.residents",
    "overview",
    "facilities",
    "subsidies",
    "childcare",
    "monitoring",
    "eldercare",
    "community",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "csp",
]

MIDDLEWARE = [
    # First: forwarded headers count only when a trusted proxy sent them (accounts/proxies.py).
    "hechuan_portal.accounts.proxies.TrustedProxyMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Staff and API responses are never cached; it also picks the admin's CSP (accounts/middleware.py).
    "hechuan_portal.accounts.middleware.NoStoreMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Before anything reads a body (CSRF reads it in process_view): oversized bodies get 413 unread.
    "hechuan_portal.accounts.middleware.RequestBodyLimitMiddleware",
    # Right after authentication: these need request.user and decide before any view runs.
    "django_otp.middleware.OTPMiddleware",
    "hechuan_portal.accounts.middleware.SessionLifetimeMiddleware",
    "hechuan_portal.accounts.middleware.SecondFactorRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last: it turns a locked-out login response into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "hechuan_portal.urls"
WSGI_APPLICATION = "hechuan_portal.wsgi.application"
ASGI_APPLICATION = "hechuan_portal.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "hechuan_portal.context_processors.portal",
                "csp.context_processors.nonce",
            ],
        },
    },
]


def _database(url_variable: str, **default: str) -> dict:
    db = env.db(url_variable, **default)
    db["ENGINE"] = "django.contrib.gis.db.backends.postgis"
    # Re-validate pooled connections so the site recovers by itself after a PostgreSQL restart.
    db["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    db["CONN_HEALTH_CHECKS"] = True
    db["OPTIONS"] = {}
    # PostgreSQL's JIT spends longer compiling the set-based batch statements than running them
    # (docs/performance.md); DATABASE_JIT=on restores the server's setting.
    if not env.bool("DATABASE_JIT", default=False):
        db["OPTIONS"]["options"] = "-c jit=off"
    return db


DATABASES = {"default": _database("DATABASE_URL", default="postgis://postgres@127.0.0.1:5432/hechuan")}
# A streaming replica, when configured, serves the dashboard and the reports (db_router.py); in tests
# it mirrors default. Without it everything reads and writes `default`.
if env("DATABASE_REPLICA_URL", default=""):
    DATABASES["replica"] = _database("DATABASE_REPLICA_URL")
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
DATABASE_ROUTERS = ["hechuan_portal.db_router.ReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env("REDIS_URL", default="redis://127.0.0.1:6379/0")


def _per_test_worker(url: str) -> str:
    """Under parallel tests (pytest-xdist workers gw0, gw1, …) each worker takes the Redis database
    after the configured one plus its number: one worker's cache, throttle counts and Celery broker
    are never another's. The shifted URL is exported with a mark, so the processes a test starts
    (a Celery worker, a second manage.py) inherit it and are not shifted twice."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    if not worker.startswith("gw") or "PORTAL_REDIS_PER_WORKER" in os.environ:
        return url
    parts = urlsplit(url)
    base = int(parts.path.lstrip("/") or 0)
    shifted = parts._replace(path=f"/{(base + 1 + int(worker[2:])) % 16}").geturl()
    os.environ["REDIS_URL"] = os.environ["PORTAL_REDIS_PER_WORKER"] = shifted
    return shifted


REDIS_URL = _per_test_worker(REDIS_URL)
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": "hechuan",
    },
    # Within one process, for what depends on nothing but the code, the language and the values a
    # `{% frame %}` names (the site frame's parts, the map controls' texts): no round trip to Redis.
    # The staff menu alone has a part per role's set of sections and page: room for all of them.
    "process": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "process",
        "OPTIONS": {"MAX_ENTRIES": 2000},
    },
}

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "manage:home"
LOGOUT_REDIRECT_URL = "finder:home"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("简体中文")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Dates by the active language: 2026年12月 / Dec 2026 (templates name the format, never a pattern).
FORMAT_MODULE_PATH = ["hechuan_portal.formats"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
STORAGES = {
    # Local disk by default; MEDIA_STORAGE=s3 puts media on S3-compatible storage (storage.py).
    "default": media_storage(env),
    # Hashed names (long cache lifetimes) in production; plain names in development and tests, where
    # the test server serves files straight from the finders.
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# =================================================================================================
# Security — SECURITY.md maps each control to its test
# =================================================================================================

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "hechuan_portal.accounts.passwords.CharacterClassValidator"},
]
# One backend: axes' lockout check in front of Django's model backend (accounts/backends.py), so the
# test client's force_login and real logins share it.
AUTHENTICATION_BACKENDS = ["hechuan_portal.accounts.backends.PortalBackend"]

# Sessions in Redis (AOF on, no eviction: docs/DEPLOYMENT.md): the idle timeout below saves the
# session on every request, which in the database was an UPDATE and a synced commit per page that
# a sync worker waited on (issue 20). SESSION_ENGINE=django.contrib.sessions.backends.db puts them
# back in the database.
SESSION_ENGINE = env("SESSION_ENGINE", default="django.contrib.sessions.backends.cache")
# Idle timeout of 30 minutes. A request pushes the expiry forward when the session was last saved a
# minute or more ago (accounts/middleware.py), not on every request: a save is a write per page.
SESSION_COOKIE_AGE = 30 * 60
SESSION_SAVE_EVERY_REQUEST = False
SESSION_TOUCH_SECONDS = 60
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = env("SECURE_COOKIES")
CSRF_COOKIE_SECURE = env("SECURE_COOKIES")
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
# Absolute session limit on top of the idle timeout.
SESSION_ABSOLUTE_SECONDS = env.int("SESSION_ABSOLUTE_SECONDS", default=12 * 60 * 60)

# `check --deploy` passes when DEBUG is off and SECURE_COOKIES is on.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=False)
# The container's own health check asks over plain HTTP from inside; /healthz says only ok/unavailable.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

# The reverse proxies in front of gunicorn (docs/DEPLOYMENT.md): their addresses or networks, or, when
# those are not fixed, how many proxies every request passes. Only then are X-Forwarded-For (client
# address for the lockout and the audit log) and X-Forwarded-Proto (TLS ended at the proxy) believed.
TRUSTED_PROXIES = env.list("TRUSTED_PROXIES", default=[])
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
if TRUSTED_PROXIES or TRUSTED_PROXY_COUNT:
    # Without it SECURE_SSL_REDIRECT behind a TLS proxy redirects forever.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Lockout after 5 failures within 15 minutes, counted per (account, client address): an attacker can
# lock an account only from their own address, never for its owner elsewhere. A second, looser limit
# counts all failures from one address (password spraying across accounts); see accounts/backends.py.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_IP_FAILURE_LIMIT = env.int("AXES_IP_FAILURE_LIMIT", default=30)
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_HANDLER = "hechuan_portal.accounts.backends.PortalAxesHandler"
AXES_LOCKOUT_CALLABLE = "hechuan_portal.accounts.views.lockout_response"
AXES_RESET_ON_SUCCESS = True
AXES_SENSITIVE_PARAMETERS = ["password", "otp_token"]
# The client's address through the trusted proxies, the same one the audit log records.
AXES_CLIENT_IP_CALLABLE = "hechuan_portal.accounts.proxies.client_ip"

# Roles that must use a TOTP second factor (staff may opt in at /accounts/otp/).
OTP_REQUIRED_ROLES = env.list("OTP_REQUIRED_ROLES", default=["district_admin"])
OTP_TOTP_ISSUER = "合川一老一幼平台"
# Re-entering the password unlocks bulk exports and full ID numbers for this long (accounts/reauth.py).
REAUTH_MAX_AGE = env.int("REAUTH_MAX_AGE", default=10 * 60)

# Content Security Policy: scripts only from this site (inline scripts need the per-response nonce,
# `nonce="{{ CSP_NONCE }}"`; `{% leaflet_map … csp_nonce=CSP_NONCE %}`), images also from the tile hosts.
_TILE_HOSTS = (
    ["https://tile.openstreetmap.org"]
    + (["https://*.tianditu.gov.cn"] if TIANDITU_KEY else [])
    + (["{0.scheme}://{0.netloc}".format(urlsplit(MAP_TILE_URL))] if MAP_TILE_URL else [])
)
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        # Leaflet and ECharts position elements with inline style attributes.
        "style-src": [SELF, "'unsafe-inline'"],
        "img-src": [SELF, "data:", "blob:", *_TILE_HOSTS],
        "font-src": [SELF, "data:"],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

# Uploads: requests above these sizes are refused before any app reads them. Apps check files against
# MAX_UPLOAD_SIZE (bytes) themselves before parsing (imports, attachments).
MAX_UPLOAD_SIZE = env.int("MAX_UPLOAD_SIZE", default=50 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024  # non-file form/JSON bodies
# Whole request bodies, refused by their Content-Length before reading (accounts/middleware.py):
# every request, and anonymous ones, up to REQUEST_BODY_MAX_BYTES; multipart uploads from a signed-in
# session or a token up to UPLOAD_REQUEST_MAX_BYTES (the largest file the apps take, plus the form).
# The reverse proxy's client_max_body_size must be at least the upload cap (docs/DEPLOYMENT.md).
REQUEST_BODY_MAX_BYTES = env.int("REQUEST_BODY_MAX_BYTES", default=DATA_UPLOAD_MAX_MEMORY_SIZE + 1024 * 1024)
UPLOAD_REQUEST_MAX_BYTES = env.int("UPLOAD_REQUEST_MAX_BYTES", default=MAX_UPLOAD_SIZE + 1024 * 1024)
DATA_UPLOAD_MAX_NUMBER_FIELDS = 2000
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024  # larger files spool to a temporary file
FILE_UPLOAD_PERMISSIONS = 0o640

# Audit log retention: rows are kept at least this many days (the trigger refuses deletion anyway).
AUDIT_RETENTION_DAYS = 180

# Debian 12 ships GDAL 3.6; the portal reads only GeoJSON vectors in WGS 84 and never lets GDAL open
# a user-supplied spatial reference or remote file, so the GDAL ≥ 3.9 sandbox is not needed.
SILENCED_SYSTEM_CHECKS = ["gis.W001"]

# =================================================================================================
# Integrations: API, OpenAPI, Celery, maps, logging
# =================================================================================================

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "hechuan_portal.accounts.tokens.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    # Signed in, and not an auditor (they read the audit log only): auditors get 403 everywhere in
    # the API except the views that opt out (auth/me; the public facility and area views).
    "DEFAULT_PERMISSION_CLASSES": ["hechuan_portal.accounts.permissions.IsAuthenticatedNotAuditor"],
    # Request bodies are JSON (forms stay for the HTML pages); an upload names its own parsers.
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "hechuan_portal.common.pagination.PortalPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "hechuan_portal.common.serializers.PortalAutoSchema",
    "EXCEPTION_HANDLER": "hechuan_portal.api.exception_handler",
    # Per client address, for the views that name a scope (accounts/tokens.py ClientRateThrottle):
    # the token endpoint, and the public `near` search.
    "DEFAULT_THROTTLE_RATES": {
        "token": env("API_THROTTLE_TOKEN", default="20/min"),
        "near": env("API_THROTTLE_NEAR", default="600/min"),
    },
}
# API tokens are valid this many days, unless a password, role or scope change revokes them sooner.
API_TOKEN_TTL_DAYS = env.int("API_TOKEN_TTL_DAYS", default=30)

# OpenAPI: every choice set gets one stable enum name (the same TextChoices is used by several
# fields and apps; without names drf-spectacular invents hashed ones and warns).
_ENUMS = {
    "facilities.models": ["FacilityKind", "CanteenSubtype", "Ownership", "FacilityStatus", "FilingStatus",
                          "PopulationGroup", "CoverageRunStatus"],
    "subsidies.models": ["TierCategory", "RunStatus", "RunMode", "GrantStatus", "ReviewStatus", "DecisionKind",
                         "PeriodStatus", "LineKind", "OverpaymentStatus"],
    "childcare.models": ["ClassType", "EnrolmentStatus", "WaitlistStatus", "ScreeningResult", "CheckupStatus",
                         "FollowUpReason", "VoucherStatus"],
    "monitoring.models": ["Topic", "Severity", "PlanKind", "PlanStatus", "InspectionStatus", "InspectionResult",
                          "LocationCheck", "Answer", "FindingStatus", "RiskBand", "StaffRole", "VisitMethod",
                          "ElderCondition", "Need", "Referral"],
    "hechuan_portal.areas.models": ["AreaLevel"],
    "hechuan_portal.residents.models": ["Gender", "HukouStatus", "ImportStatus"],
    "hechuan_portal.accounts.models": ["Role", "AuditAction"],
    "overview.models": ["Comparator"],
}
SPECTACULAR_SETTINGS = {
    "TITLE": "合川区“一老一幼”服务管理平台 API",
    "DESCRIPTION": "Hechuan District elder-care and childcare service portal",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    # Swagger UI from our own static files: the site must work on an intranet without CDNs.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        f"{name}Enum": f"{module}.{name}" for module, names in _ENUMS.items() for name in names
    },
    # Every API operation documents its error answers too (accounts/openapi.py).
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "facilities.api.openapi.add_near_path",  # a plain view (the residents' near search)
        "hechuan_portal.accounts.openapi.add_error_responses",
    ],
}

# Celery: at-least-once work on Redis. Tasks acknowledge after they finish and every task's hard
# time limit stays below the visibility timeout, so a killed worker's job is redelivered, not lost.
CELERY_BROKER_URL = REDIS_URL
CELERY_RESULT_BACKEND = REDIS_URL
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 3 * 60 * 60
CELERY_TASK_SOFT_TIME_LIMIT = CELERY_TASK_TIME_LIMIT - 300
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": CELERY_TASK_TIME_LIMIT + 3600}
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)

# Base map tiles: Tianditu (the national service, needs a key) when TIANDITU_KEY is set, else OSM.
_TIANDITU_WMTS = (
    "https://t{s}.tianditu.gov.cn/%(layer)s_w/wmts?SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0"
    "&LAYER=%(layer)s&STYLE=default&TILEMATRIXSET=w&FORMAT=tiles&TILEMATRIX={z}&TILEROW={y}&TILECOL={x}&tk="
)
LEAFLET_CONFIG = {
    # WGS 84 district extent (STANDARDS §2); the map starts on the district seat.
    "DEFAULT_CENTER": (29.99, 106.27),
    "DEFAULT_ZOOM": 10,
    "MIN_ZOOM": 8,
    "MAX_ZOOM": 18,
    "SPATIAL_EXTENT": (105.97, 29.85, 106.68, 30.37),
    "RESET_VIEW": False,
    "NO_GLOBALS": False,
    "TILES": [(_("区内底图"), MAP_TILE_URL, {"attribution": _("区内底图"), "maxZoom": 19})]
    if MAP_TILE_URL
    else [
        (
            _("天地图"),
            _TIANDITU_WMTS % {"layer": "vec"} + TIANDITU_KEY,
            {"subdomains": "01234567", "attribution": "天地图"},
        ),
        (
            _("天地图注记"),
            _TIANDITU_WMTS % {"layer": "cva"} + TIANDITU_KEY,
            {"subdomains": "01234567", "attribution": "天地图"},
        ),
    ]
    if TIANDITU_KEY
    else [
        (
            _("OpenStreetMap"),
            "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
            {"attribution": "&copy; OpenStreetMap contributors", "maxZoom": 19},
        )
    ],
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
