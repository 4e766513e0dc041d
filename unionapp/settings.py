"""Settings for the membership drive platform.

Everything that differs between a laptop demo and production comes from the
environment (see unionapp/env.py). With nothing set, the app runs on SQLite in
var/ and Celery runs tasks inline, so `make run` works on a bare machine.
"""

from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured

from unionapp.env import env_bool, env_int, env_list, env_str, load_or_create_secret_key

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("VAR_DIR", str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = env_bool("DEBUG", False)
SECRET_KEY = env_str("SECRET_KEY") or load_or_create_secret_key(VAR_DIR / "secret_key")

# Keys for personal data: ID numbers and phones are encrypted at rest and
# looked up by a keyed hash. Derived from SECRET_KEY unless given explicitly,
# so a development checkout works without extra set-up.
PERSONAL_DATA_KEY = env_str("PERSONAL_DATA_KEY", SECRET_KEY)

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "import_export",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "organizations",
    "members",
    "drives",
    "reports",
    "notifications",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "organizations.security.headers.SecurityHeadersMiddleware",
    # A database, cache or broker outage answers a clear 503 page (organizations/security/outages.py).
    "organizations.security.outages.OutageMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "organizations.security.second_factor.SecondFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
]

ROOT_URLCONF = "unionapp.urls"
WSGI_APPLICATION = "unionapp.wsgi.application"

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
                "organizations.context_processors.navigation",
                "drives.context_processors.current_drive",
                "notifications.context_processors.unread",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("DB_CONN_MAX_AGE", 60),
        # A kept connection is checked before a request reuses it, so one that PostgreSQL
        # dropped (a restart, a failover) is replaced instead of failing that request.
        conn_health_checks=True,
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "organizations.User"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = ["organizations.security.backends.ThrottledModelBackend"]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Chinese first, English available; all dates shown in Beijing time.
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(VAR_DIR / "staticfiles")))
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
# Every file the app keeps (import uploads, error workbooks, export-job files, special
# reports, case photos) goes through the default storage (organizations/files.py), never a
# local path, so web hosts and workers on different machines share it: FILE_STORAGE=filesystem
# (MEDIA_ROOT: one machine, or a shared NFS mount) or s3 (any S3-compatible bucket, private;
# needs `pip install django-storages[s3]`, docs/deploy.md). Files are streamed by the views
# after their checks, never served from the storage's own URLs.
FILE_STORAGE = env_str("FILE_STORAGE", "filesystem")
if FILE_STORAGE == "filesystem":
    _FILES = {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": MEDIA_ROOT}}
elif FILE_STORAGE == "s3":
    from unionapp.storage_s3 import s3_storage

    _FILES = s3_storage()
else:
    raise ImproperlyConfigured(f"FILE_STORAGE={FILE_STORAGE!r}: use filesystem or s3")
STORAGES = {
    "default": _FILES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Uploads: Excel rosters can be large, but nothing unbounded reaches memory.
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
IMPORT_MAX_UPLOAD_BYTES = env_int("IMPORT_MAX_UPLOAD_BYTES", 50 * 1024 * 1024)

# Cache: Redis when configured (the join form's rate limit, the roll-up's
# debounce), local memory otherwise. Nothing a page needs lives only here:
# login throttling is in the database (organizations/security/throttle.py).
REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Celery: a real Redis broker when configured, otherwise tasks run inline.
# Tasks acknowledge late and are redelivered if their worker dies, so every
# task must be idempotent.
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", REDIS_URL)
CELERY_RESULT_BACKEND = env_str("CELERY_RESULT_BACKEND", CELERY_BROKER_URL)
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A task whose worker died is redelivered once this many seconds have passed
# since it was taken (the worker-kill test shortens it through the environment).
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", 3600)}
# A running job writes a heartbeat to its row every JOB_HEARTBEAT_SECONDS; one
# silent for JOB_STALE_SECONDS lost its worker and is queued again, at most
# JOB_MAX_REQUEUES times (organizations/job_runs.py).
JOB_HEARTBEAT_SECONDS = env_int("JOB_HEARTBEAT_SECONDS", 10)
JOB_STALE_SECONDS = env_int("JOB_STALE_SECONDS", 90)
JOB_MAX_REQUEUES = env_int("JOB_MAX_REQUEUES", 3)
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_TASK_ROUTES = {
    "members.tasks.*": {"queue": "imports"},
    "organizations.tasks.*": {"queue": "imports"},
    "drives.tasks.*": {"queue": "rollups"},
    "reports.tasks.*": {"queue": "exports"},
}
# Roll-ups: nightly for the current period, and early on the 1st of each odd
# month for the bimonthly period that ended the day before.
CELERY_BEAT_SCHEDULE = {
    "rollup-current-period-nightly": {
        "task": "drives.tasks.rollup_current",
        "schedule": crontab(hour=1, minute=30),
    },
    "rollup-period-just-ended": {
        "task": "drives.tasks.rollup_just_ended",
        "schedule": crontab(hour=0, minute=30, day_of_month=1, month_of_year="1,3,5,7,9,11"),
    },
    # Jobs whose worker died (no heartbeat for JOB_STALE_SECONDS) are queued again
    # within minutes instead of waiting for the visibility timeout (organizations/job_runs.py).
    "requeue-stalled-jobs": {
        "task": "organizations.tasks.requeue_stalled_jobs",
        "schedule": float(env_int("JOB_SWEEP_SECONDS", 60)),
    },
    # Snapshots a later change made stale are rolled up again (drives.freshness);
    # a page reads them live meanwhile, so this only restores speed.
    "refresh-stale-snapshots": {
        "task": "drives.tasks.refresh_stale",
        "schedule": 60.0,
    },
    # Deadline reminders (7, 3, 1 days before and when overdue), each sent once (reports.reminders).
    "report-deadline-reminders": {
        "task": "reports.tasks.send_reminders",
        "schedule": crontab(hour=8, minute=0),
    },
}

# Notifications by email (notifications.channels.EmailChannel): SMTP from the environment.
# Without EMAIL_HOST (the local demo) mails are written to the console log instead.
EMAIL_HOST = env_str("EMAIL_HOST", "")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10)
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend"
)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "drive-notices@localhost")
# Where notifications go besides the in-app list (an SMS or WeCom channel is one more path).
NOTIFICATION_CHANNELS = env_list("NOTIFICATION_CHANNELS", "notifications.channels.EmailChannel")

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 100,
}
# An API token stops working this many days after it is issued (reports/api/authentication.py).
API_TOKEN_DAYS = env_int("API_TOKEN_DAYS", 90)
SPECTACULAR_SETTINGS = {
    "TITLE": "Union membership drive API",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
}

# Content security policy: every script and stylesheet is vendored under static/.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

# Login throttling (organizations/security/throttle.py): failures are counted in
# the database per username and per client address; reaching the limit locks it.
LOGIN_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
LOGIN_FAILURE_LIMIT_PER_IP = env_int("LOGIN_FAILURE_LIMIT_PER_IP", 30)
LOGIN_LOCKOUT_SECONDS = env_int("LOGIN_LOCKOUT_SECONDS", 15 * 60)
# Reverse proxies in front of the app that append to X-Forwarded-For (0: none,
# the client address is REMOTE_ADDR).
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
# The TOTP second factor is optional for everyone here and required for HQ
# roles in production (unionapp/production.py), so the demo and tests sign in
# with a password alone.
OTP_REQUIRED_FOR_HQ = env_bool("OTP_REQUIRED_FOR_HQ", False)
OTP_TOTP_ISSUER = "西藏自治区总工会"
# django-import-export lets anyone with admin access import unless told which
# model permission it needs.
IMPORT_EXPORT_IMPORT_PERMISSION_CODE = "add"
IMPORT_EXPORT_EXPORT_PERMISSION_CODE = "view"

SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 8 * 3600)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    # No log line may carry a full ID number or phone (organizations/security/log_scrub.py).
    "filters": {"scrub_personal_numbers": {"()": "organizations.security.log_scrub.ScrubPersonalNumbers"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["scrub_personal_numbers"],
        }
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
