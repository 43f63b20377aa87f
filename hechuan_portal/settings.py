"""Settings for the Hechuan "一老一幼" portal, read from the environment (DESIGN §4)."""

from pathlib import Path

import environ
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env(
    DEBUG=(bool, False),
    ALLOWED_HOSTS=(list, ["127.0.0.1", "localhost"]),
    TIANDITU_KEY=(str, ""),
    SECURE_COOKIES=(bool, False),
)
# A developer's .env (written by `make` on first set-up) fills in what the shell does not set.
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env("DEBUG")
# Required, no default: a deployment that forgets it must fail loudly rather than run with a known key.
SECRET_KEY = env("SECRET_KEY")
# Base64 of 32 random bytes; keys for ID-number encryption and the blind index are derived from it.
FIELD_ENCRYPTION_KEY = env("FIELD_ENCRYPTION_KEY")
ALLOWED_HOSTS = env("ALLOWED_HOSTS")
TIANDITU_KEY = env("TIANDITU_KEY")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.gis",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
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
    "community",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
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
            ],
        },
    },
]

DATABASES = {
    "default": env.db("DATABASE_URL", default="postgis://postgres@127.0.0.1:5432/hechuan"),
}
DATABASES["default"]["ENGINE"] = "django.contrib.gis.db.backends.postgis"
# Re-validate pooled connections so the site recovers by itself after a PostgreSQL restart.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

REDIS_URL = env("REDIS_URL", default="redis://127.0.0.1:6379/0")
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": "hechuan",
    }
}

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "manage:home"
LOGOUT_REDIRECT_URL = "finder:home"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "hechuan_portal.accounts.passwords.CharacterClassValidator"},
]

# Idle timeout of 30 minutes: every request pushes the expiry forward.
SESSION_COOKIE_AGE = 30 * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = env("SECURE_COOKIES")
CSRF_COOKIE_SECURE = env("SECURE_COOKIES")

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("简体中文")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Hashed names (long cache lifetimes) in production; plain names in development and tests, where
    # the test server serves files straight from the finders.
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
MEDIA_URL = "/media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    # Signed in, and not an auditor (they read the audit log only): auditors get 403 everywhere in
    # the API except the views that opt out (auth/me; the public facility and area views).
    "DEFAULT_PERMISSION_CLASSES": ["hechuan_portal.accounts.permissions.IsAuthenticatedNotAuditor"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.LimitOffsetPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "hechuan_portal.api.exception_handler",
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

LEAFLET_CONFIG = {
    # WGS 84 district extent (STANDARDS §2); the map starts on the district seat.
    "DEFAULT_CENTER": (29.99, 106.27),
    "DEFAULT_ZOOM": 10,
    "MIN_ZOOM": 8,
    "MAX_ZOOM": 18,
    "SPATIAL_EXTENT": (105.97, 29.85, 106.68, 30.37),
    "RESET_VIEW": False,
    "NO_GLOBALS": False,
}
if TIANDITU_KEY:
    LEAFLET_CONFIG["TILES"] = [
        (
            _("天地图"),
            "https://t{s}.tianditu.gov.cn/vec_w/wmts?SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0&LAYER=vec"
            "&STYLE=default&TILEMATRIXSET=w&FORMAT=tiles&TILEMATRIX={z}&TILEROW={y}&TILECOL={x}&tk="
            + TIANDITU_KEY,
            {"subdomains": "01234567", "attribution": "天地图"},
        ),
        (
            _("天地图注记"),
            "https://t{s}.tianditu.gov.cn/cva_w/wmts?SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0&LAYER=cva"
            "&STYLE=default&TILEMATRIXSET=w&FORMAT=tiles&TILEMATRIX={z}&TILEROW={y}&TILECOL={x}&tk="
            + TIANDITU_KEY,
            {"subdomains": "01234567", "attribution": "天地图"},
        ),
    ]
else:
    LEAFLET_CONFIG["TILES"] = [
        (
            _("OpenStreetMap"),
            "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
            {"attribution": "&copy; OpenStreetMap contributors", "maxZoom": 19},
        )
    ]

# Production hardening; `check --deploy` passes when DEBUG is off and SECURE_COOKIES is on.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=False)
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

# Debian 12 ships GDAL 3.6; the portal reads only GeoJSON vectors in WGS 84 and never lets GDAL open
# a user-supplied spatial reference or remote file, so the GDAL ≥ 3.9 sandbox is not needed.
SILENCED_SYSTEM_CHECKS = ["gis.W001"]

# childcare: hearing and vision results share one choice set; name it once in the OpenAPI schema.
SPECTACULAR_SETTINGS.setdefault("ENUM_NAME_OVERRIDES", {})["ScreeningResultEnum"] = (
    "childcare.models.ScreeningResult"
)
# ---------------------------------------------------------------------------------------------
# Security (issue 8): login lockout, second factor, session limits, re-authentication, CSP,
# cache control and upload limits. See SECURITY.md for the control ↔ test map.
# ---------------------------------------------------------------------------------------------
from csp.constants import NONCE, NONE, SELF  # noqa: E402

INSTALLED_APPS += ["axes", "django_otp", "django_otp.plugins.otp_totp", "csp"]
# One backend: axes' lockout check in front of Django's model backend (accounts/backends.py), so the
# test client's force_login and real logins share it.
AUTHENTICATION_BACKENDS = ["hechuan_portal.accounts.backends.PortalBackend"]
_auth = MIDDLEWARE.index("django.contrib.auth.middleware.AuthenticationMiddleware")
MIDDLEWARE[_auth + 1 : _auth + 1] = [
    "django_otp.middleware.OTPMiddleware",
    "hechuan_portal.accounts.middleware.SessionLifetimeMiddleware",
    "hechuan_portal.accounts.middleware.SecondFactorRequiredMiddleware",
]
MIDDLEWARE.insert(1, "csp.middleware.CSPMiddleware")
MIDDLEWARE.insert(1, "hechuan_portal.accounts.middleware.NoStoreMiddleware")
# Axes last: it turns a locked-out login response into the lockout page.
MIDDLEWARE.append("axes.middleware.AxesMiddleware")
TEMPLATES[0]["OPTIONS"]["context_processors"].append("csp.context_processors.nonce")

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
# Behind the district's reverse proxy set AXES_IPWARE_PROXY_COUNT so the client address is the real one.
AXES_IPWARE_PROXY_COUNT = env.int("AXES_IPWARE_PROXY_COUNT", default=0) or None

# Absolute session limit on top of the 30-minute idle timeout above.
SESSION_ABSOLUTE_SECONDS = env.int("SESSION_ABSOLUTE_SECONDS", default=12 * 60 * 60)
# Roles that must use a TOTP second factor (staff may opt in at /accounts/otp/).
OTP_REQUIRED_ROLES = env.list("OTP_REQUIRED_ROLES", default=["district_admin"])
OTP_TOTP_ISSUER = "合川一老一幼平台"
# Re-entering the password unlocks bulk exports and full ID numbers for this long (accounts/reauth.py).
REAUTH_MAX_AGE = env.int("REAUTH_MAX_AGE", default=10 * 60)

# Content Security Policy: scripts only from this site (inline scripts need the per-response nonce,
# `nonce="{{ CSP_NONCE }}"`; `{% leaflet_map … csp_nonce=CSP_NONCE %}`), images also from the tile hosts.
_TILE_HOSTS = ["https://tile.openstreetmap.org"] + (["https://*.tianditu.gov.cn"] if TIANDITU_KEY else [])
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
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

# Uploads: requests above these sizes are refused before any app reads them. Apps check files against
# MAX_UPLOAD_SIZE (bytes) themselves before parsing (imports, attachments).
MAX_UPLOAD_SIZE = env.int("MAX_UPLOAD_SIZE", default=50 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024  # non-file form/JSON bodies
DATA_UPLOAD_MAX_NUMBER_FIELDS = 2000
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024  # larger files spool to a temporary file
FILE_UPLOAD_PERMISSIONS = 0o640

# Audit log retention: rows are kept at least this many days (the trigger refuses deletion anyway).
AUDIT_RETENTION_DAYS = 180
# Every API operation documents its error answers too (accounts/openapi.py).
SPECTACULAR_SETTINGS["POSTPROCESSING_HOOKS"] = [
    "drf_spectacular.hooks.postprocess_schema_enums",
    "hechuan_portal.accounts.openapi.add_error_responses",
]

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
SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"] = {
    f"{name}Enum": f"{module}.{name}" for module, names in _ENUMS.items() for name in names
}

# Performance / deployment (issue 9, docs/DEPLOYMENT.md). A PostgreSQL streaming replica, when
# DATABASE_REPLICA_URL is set, serves the dashboard and the reports (hechuan_portal/db_router.py);
# in tests it is a mirror of default. Without it everything reads and writes `default`.
if env("DATABASE_REPLICA_URL", default=""):
    DATABASES["replica"] = env.db("DATABASE_REPLICA_URL")
    DATABASES["replica"]["ENGINE"] = "django.contrib.gis.db.backends.postgis"
    DATABASES["replica"]["CONN_MAX_AGE"] = DATABASES["default"]["CONN_MAX_AGE"]
    DATABASES["replica"]["CONN_HEALTH_CHECKS"] = True
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
DATABASE_ROUTERS = ["hechuan_portal.db_router.ReplicaRouter"]
# Media (inspection photos, import files, reports): local disk by default; MEDIA_STORAGE=s3 puts
# them on S3-compatible object storage through django-storages (pip install '.[s3]').
from hechuan_portal.storage import media_storage  # noqa: E402 - needs `env` above

STORAGES["default"] = media_storage(env)
# Sessions: in the database by default; several web replicas may keep them in Redis instead with
# SESSION_ENGINE=django.contrib.sessions.backends.cache (or .cached_db) — docs/DEPLOYMENT.md.
SESSION_ENGINE = env("SESSION_ENGINE", default="django.contrib.sessions.backends.db")
# PostgreSQL's JIT compiles a plan whenever its estimated cost is high: the set-based batch
# statements (allowance match, service circle, import merge) paid 0.3–0.8 s of LLVM compilation
# each for queries that then ran in milliseconds (issue 9, docs/performance.md). Off for the
# portal's connections; DATABASE_JIT=on restores the server's setting.
if not env.bool("DATABASE_JIT", default=False):
    for _alias in DATABASES.values():
        _alias.setdefault("OPTIONS", {})["options"] = "-c jit=off"
