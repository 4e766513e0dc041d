"""Production settings: the base settings plus everything `check --deploy` asks.

Use with DJANGO_SETTINGS_MODULE=unionapp.production. TLS is terminated by the
reverse proxy, which sets X-Forwarded-Proto.
"""

from django.core.exceptions import ImproperlyConfigured

from unionapp.env import env_bool, env_int, env_str
from unionapp.settings import *  # noqa: F403
from unionapp.settings import ALLOWED_HOSTS, DEBUG, STORAGES

if DEBUG:
    raise ImproperlyConfigured("DEBUG must be off in production")
SECRET_KEY = env_str("SECRET_KEY")
if len(SECRET_KEY) < 50:
    raise ImproperlyConfigured("SECRET_KEY must be set to at least 50 random characters")
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must name the site's host names")

# HQ accounts see the whole region's personal data: a password alone is not enough.
OTP_REQUIRED_FOR_HQ = env_bool("OTP_REQUIRED_FOR_HQ", True)
# One reverse proxy terminates TLS and appends the client address to X-Forwarded-For.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 1)

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True

# Hashed, compressed static files served by WhiteNoise (run collectstatic on deploy).
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"}}
