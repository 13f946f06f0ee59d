"""Settings of Trajectoire: one file, driven by environment variables.

Every variable is listed in docs/environment.md. Readers in config/env.py are strict: a value that
cannot be parsed stops start-up with a message naming the variable.
"""

from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from trajectoire.config.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent.parent
PACKAGE_DIR = BASE_DIR / "trajectoire"

ENVIRONMENT = env_str("ENVIRONMENT", "development")
if ENVIRONMENT not in {"development", "production"}:
    raise ImproperlyConfigured(f"ENVIRONMENT={ENVIRONMENT!r}: use development or production.")
PRODUCTION = ENVIRONMENT == "production"

# Off unless asked for (`DEBUG=true make run`): with it on, a denied access shows Django's English technical
# page listing every URL instead of the French "page introuvable", and the demo is shown with DEBUG off.
DEBUG = env_bool("DEBUG", default=False)
if PRODUCTION and DEBUG:
    raise ImproperlyConfigured("DEBUG=true is refused when ENVIRONMENT=production.")

SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if PRODUCTION:
        raise ImproperlyConfigured("SECRET_KEY (or SECRET_KEY_FILE) is required when ENVIRONMENT=production.")
    SECRET_KEY = "development-only-secret-key-never-use-in-production"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", default=[] if PRODUCTION else ["127.0.0.1", "localhost", "testserver"])
if PRODUCTION and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS is required when ENVIRONMENT=production (comma-separated host names).")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000")

INSTALLED_APPS = [
    "trajectoire.accounts",
    "trajectoire.cases",
    "trajectoire.referentials",
    "trajectoire.documents",
    "trajectoire.funding",
    "trajectoire.web",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "csp",
    "django_htmx",
    "ninja",
    "django_tasks",
    "django_tasks_db",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "trajectoire.accounts.middleware.TwoFactorMiddleware",
    "trajectoire.accounts.middleware.CurrentCentreMiddleware",
    "trajectoire.accounts.middleware.PrivateCacheMiddleware",
    # Answers 413 before any middleware reads the body (CSRF does, in process_view).
    "trajectoire.accounts.middleware.RequestSizeMiddleware",
    "trajectoire.accounts.audit.AuditContextMiddleware",
    # Last, so that it sees the authenticated user and answers lock-outs with our page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "trajectoire.config.urls"
WSGI_APPLICATION = "trajectoire.config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
                "trajectoire.web.context_processors.shell",
            ],
        },
    }
]

# --- Database --------------------------------------------------------------------------------------
SQLITE_PATH = Path(env_str("SQLITE_PATH") or BASE_DIR / "var" / "trajectoire.sqlite3")
DATABASE_URL = env_str("DATABASE_URL")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", 60))}
else:
    SQLITE_PATH.parent.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(SQLITE_PATH),
            "OPTIONS": {
                # WAL lets readers go on while one request writes; IMMEDIATE avoids "database is locked"
                # on a read transaction that later wants to write.
                "init_command": (
                    "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000; "
                    "PRAGMA secure_delete=ON;"
                ),
                "transaction_mode": "IMMEDIATE",
            },
            # A file, not shared memory: the browser tests' live server reads it from another thread, and an
            # in-memory database shared across threads fails under load with « database table is locked ».
            # pytest-xdist gives each worker its own file (suffix _gw0, _gw1…).
            "TEST": {"NAME": str(SQLITE_PATH.parent / "test-trajectoire.sqlite3")},
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Authentication and security -----------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "web:login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "web:login"
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24

REQUIRE_2FA = env_bool("REQUIRE_2FA", default=PRODUCTION)
OTP_TOTP_ISSUER = "Trajectoire"

AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 30))
# Failures are counted per pair (account, client address): five wrong passwords from one place lock that
# account from that place only, so nobody can lock a counsellor out of her own office from elsewhere.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# Behind a reverse proxy REMOTE_ADDR is the proxy: the client's address comes from X-Forwarded-For, read
# only as far as TRUSTED_PROXY_COUNT proxies of ours wrote it (see trajectoire/accounts/network.py).
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
if TRUSTED_PROXY_COUNT < 0:
    raise ImproperlyConfigured("TRUSTED_PROXY_COUNT must be 0 (no proxy) or the number of proxies in front.")
AXES_CLIENT_IP_CALLABLE = "trajectoire.accounts.network.client_ip"
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True
# The login form posts the e-mail in the field Django calls "username".
AXES_USERNAME_FORM_FIELD = "username"
AXES_USERNAME_CALLABLE = "trajectoire.accounts.lockout.username_of"
AXES_VERBOSE = False
AXES_ENABLED = env_bool("AXES_ENABLED", default=True)

# --- Request size limits -------------------------------------------------------------------------------
# The longest real text (a whole synthesis document pasted into one field) is a few hundred kB; 3 MB leaves
# room for an htmx autosave of a long form while refusing a body that only ties up a worker. Above it the
# writer gets a French 413 page telling her to copy her text before going back (RequestSizeMiddleware).
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("REQUEST_MAX_TEXT_KB", 3 * 1024) * 1024
# Whole multipart requests (file uploads: centre logos) above this are refused the same way.
FILE_UPLOAD_MAX_REQUEST_SIZE = env_int("REQUEST_MAX_UPLOAD_KB", 10 * 1024) * 1024
# Files above this are streamed to a temporary file instead of memory (Django's default).
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
if DATA_UPLOAD_MAX_MEMORY_SIZE < 64 * 1024 or FILE_UPLOAD_MAX_REQUEST_SIZE < DATA_UPLOAD_MAX_MEMORY_SIZE:
    raise ImproperlyConfigured(
        "REQUEST_MAX_TEXT_KB must be at least 64 and REQUEST_MAX_UPLOAD_KB at least REQUEST_MAX_TEXT_KB."
    )

SESSION_COOKIE_AGE = 60 * 60 * 10
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = False

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# --- Internationalisation --------------------------------------------------------------------------
LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", "Français")]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

# --- Static files ----------------------------------------------------------------------------------
STATIC_URL = "/static/"
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
STATIC_ROOT = Path(env_str("STATIC_ROOT") or BASE_DIR / "var" / "static")
# In development WhiteNoise serves straight from the source folders (no collectstatic, edits seen at once),
# so `make run` with DEBUG off still has its styles. Production serves the hashed collectstatic output.
WHITENOISE_USE_FINDERS = not PRODUCTION
WHITENOISE_AUTOREFRESH = not PRODUCTION
# Uploaded files (centre logos). Private by design: nothing under MEDIA_ROOT is served by URL; the PDF renderer
# reads the file from disk.
MEDIA_ROOT = Path(env_str("MEDIA_ROOT") or BASE_DIR / "var" / "media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

# --- E-mail ----------------------------------------------------------------------------------------
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Trajectoire <ne-pas-repondre@trajectoire.localhost>")
EMAIL_HOST = env_str("EMAIL_HOST")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = env_int("EMAIL_PORT", 587)
    EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=True)
else:
    if PRODUCTION:
        raise ImproperlyConfigured("EMAIL_HOST is required when ENVIRONMENT=production (password reset e-mails).")
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"

# --- Background tasks ------------------------------------------------------------------------------
TASKS_BACKEND = env_str("TASKS_BACKEND", "database")
if TASKS_BACKEND not in {"database", "immediate"}:
    raise ImproperlyConfigured(f"TASKS_BACKEND={TASKS_BACKEND!r}: use database or immediate.")
TASKS = {
    "default": {
        "BACKEND": (
            "django_tasks_db.DatabaseBackend"
            if TASKS_BACKEND == "database"
            else "django_tasks.backends.immediate.ImmediateBackend"
        ),
        "QUEUES": ["default"],
    }
}

# --- Domain settings -------------------------------------------------------------------------------
AUDIT_LOG_RETENTION_DAYS = env_int("AUDIT_LOG_RETENTION_DAYS", 365)
if AUDIT_LOG_RETENTION_DAYS < 1:
    raise ImproperlyConfigured("AUDIT_LOG_RETENTION_DAYS must be at least 1.")
DEMO_MODE = env_bool("DEMO_MODE", default=not PRODUCTION)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"kv": {"format": "%(asctime)s level=%(levelname)s logger=%(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "kv"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}, "axes": {"level": "WARNING"}},
}
