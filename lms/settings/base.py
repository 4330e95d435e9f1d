"""Settings shared by every environment. Everything that varies comes from the
environment; `.env.example` lists each variable."""

import os
from pathlib import Path

import dj_database_url
from csp.constants import NONCE, NONE, SELF, UNSAFE_INLINE
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item]


SECRET_KEY = os.environ.get("SECRET_KEY", "")
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "core",
    "people.apps.PeopleConfig",
    "cms",
    "courses",
    "placements",
    "certificates",
    "reports",
    "importer",
    "demo",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.embeds",
    "wagtail.sites",
    "people.apps.LmsUsersAppConfig",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "people.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Content-hashed H5P library code, the same for everyone: answered before
    # sessions and sign-in (core.middleware.sessionless), no query.
    "core.middleware.SessionlessViewMiddleware",
    # Text answers of the views gzipped, with Django's length mitigation
    # against BREACH and CSRF tokens masked per request (core.middleware).
    "core.middleware.TextGZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "cms.middleware.ChineseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "core.outbox.OutboxMiddleware",
    "core.offline.OfflineHeadersMiddleware",
    "cms.middleware.UnstorableTextMiddleware",
    "people.middleware.AuditContextMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "people.middleware.PrivilegedSessionMiddleware",
    "people.middleware.ForcePasswordChangeMiddleware",
    "people.middleware.RequireTwoFactorMiddleware",
    "people.middleware.AdminAccessMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    "cms.middleware.FriendlyMethodNotAllowedMiddleware",
    # Last: marks the requests that reached their view (core.outbox).
    "core.outbox.OutboxViewReachedMiddleware",
]

ROOT_URLCONF = "lms.urls"
WSGI_APPLICATION = "lms.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
                "people.context_processors.navigation",
                "core.outbox.outbox",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The embedded demo database: writers queue up instead of failing at once.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"timeout": 20, "transaction_mode": "IMMEDIATE"}
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "people.User"
AUTHENTICATION_BACKENDS = [
    "people.backends.DemoAwareAuthenticationBackend",
]
_VALIDATORS = "django.contrib.auth.password_validation"
# At least 8 characters, not a common password, not only digits, not close to
# the person's username, name or email (messages in Chinese from Django). Office
# staff and administrators also sign in with a second factor (people.mfa).
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": f"{_VALIDATORS}.UserAttributeSimilarityValidator",
        "OPTIONS": {"user_attributes": ("username", "name", "email")},
    },
    {
        "NAME": f"{_VALIDATORS}.MinimumLengthValidator",
        "OPTIONS": {"min_length": 8},
    },
    {"NAME": f"{_VALIDATORS}.CommonPasswordValidator"},
    {"NAME": f"{_VALIDATORS}.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "people:start"
LOGOUT_REDIRECT_URL = "/"

# django-allauth: accounts are created by the programme office, never by sign-up.
ACCOUNT_ADAPTER = "people.adapters.AccountAdapter"
ACCOUNT_USER_DISPLAY = "people.adapters.user_display"
ACCOUNT_LOGIN_METHODS = {"username", "email"}
ACCOUNT_SIGNUP_FIELDS = ["username*", "email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_PASSWORD_RESET_BY_CODE_ENABLED = False
ACCOUNT_PRESERVE_USERNAME_CASING = False
ACCOUNT_SESSION_REMEMBER = None
# Rate limits (allauth; counted in the cache, so production needs a shared
# CACHE_URL). Per address and per account name: whole schools may share one
# address behind a mobile carrier's NAT, so the per-address limits are loose and
# the per-account ones tight. Wrong two-factor codes count as failed sign-ins of
# that account.
ACCOUNT_RATE_LIMITS = {
    "login_failed": "20/m/ip,5/5m/key",
    "reset_password": "20/m/ip,3/h/key",
    "reset_password_from_key": "20/m/ip",
    "change_password": "5/m/user",
    "reauthenticate": "10/m/user",
}
# Sessions last SESSION_COOKIE_AGE (12 hours) at most; without "keep me signed
# in" they also end when the browser closes. Office staff and administrators
# always sign out when the browser closes and after an hour without a request
# (people.middleware.PrivilegedSessionMiddleware).
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_COOKIE_AGE", str(60 * 60 * 12)))
PRIVILEGED_SESSION_IDLE_SECONDS = int(
    os.environ.get("PRIVILEGED_SESSION_IDLE_SECONDS", str(60 * 60))
)

# Two-factor authentication (allauth.mfa): an authenticator app (TOTP) with
# recovery codes, open to everyone and required for office staff and
# administrators (people.mfa). No WebAuthn: it would need another dependency
# and phones here rarely have security keys.
MFA_ADAPTER = "people.adapters.MFAAdapter"
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
# Codes from the previous and next 30 seconds count too: phone clocks drift.
MFA_TOTP_TOLERANCE = 1
# allauth refuses two-factor set-up while an email address is unverified, against
# strangers who sign up with someone else's address; here there is no sign-up
# and addresses are entered by the programme office, never verified by mail.
MFA_ALLOW_UNVERIFIED_EMAIL = True

# Demo accounts (seed_demo) log in only when this is on; see people.backends.
DEMO_MODE = env_bool("LMS_DEMO", DEBUG)

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True
WAGTAIL_I18N_ENABLED = False
WAGTAILADMIN_PERMITTED_LANGUAGES = LANGUAGES

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [
    BASE_DIR / "static",
    # The H5P player comes from npm (package.json), served as our own static files.
    ("h5p-standalone", BASE_DIR / "node_modules" / "h5p-standalone" / "dist"),
    # IndexedDB for the offline outbox (static/js/outbox-replay.js).
    ("idb-keyval", BASE_DIR / "node_modules" / "idb-keyval" / "dist"),
    # The service worker's machinery (core.views.service_worker), from npm too:
    # Workbox's loader and the modules it loads, all as /static/workbox/<file>.
    *(
        ("workbox", BASE_DIR / "node_modules" / f"workbox-{name}" / "build")
        for name in ("sw", "core", "routing", "strategies", "cacheable-response")
    ),
]
# Public media: only what anyone may see (site images). Everything about a
# person, lesson documents and all H5P packages and content go to the private
# storage below, which no URL serves by path (core.storage, core.serving).
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
PRIVATE_MEDIA_ROOT = Path(os.environ.get("PRIVATE_MEDIA_ROOT", BASE_DIR / "private"))
# Set (e.g. "/_private/") where a reverse proxy sends private files: views then
# answer `X-Accel-Redirect: <prefix><name>` and nginx's internal location for
# the prefix reads PRIVATE_MEDIA_ROOT. Empty: Django streams the file.
PRIVATE_FILES_ACCEL_PREFIX = os.environ.get("PRIVATE_FILES_ACCEL_PREFIX", "")
PRIVATE_STORAGE = {"BACKEND": "core.storage.PrivateStorage"}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "private": PRIVATE_STORAGE,
    # WhiteNoise's hashed, precompressed files; our own JS and CSS minified.
    "staticfiles": {"BACKEND": "core.static_storage.MinifiedStaticFilesStorage"},
}

# Where core.middleware.SessionlessViewMiddleware looks for @sessionless views.
SESSIONLESS_PATH_PREFIXES = ["/h5p/assets/", "/h5p/libraries/"]

CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "lms",
    }
}
if os.environ.get("CACHE_URL"):
    # Django's Redis backend, answering from process memory while Redis is
    # down so that pages render and rate limits keep counting (core.cache).
    CACHES["default"] = {
        "BACKEND": "core.cache.ResilientRedisCache",
        "LOCATION": os.environ["CACHE_URL"],
        "OPTIONS": {
            "RETRY_SECONDS": 5,
            "socket_connect_timeout": 0.5,
            "socket_timeout": 0.5,
        },
    }

# Rate limits outside allauth (core.ratelimit) use django-ratelimit in the
# default cache. Its app is deliberately not in INSTALLED_APPS: the app holds
# nothing but a system check, which names only memcached and django-redis, so
# it would warn about ResilientRedisCache (W001) and fail the demo's and the
# tests' LocMemCache (E003), while both count atomically within what they
# serve. core.checks (core.E001) checks the cache instead, refusing the
# backends that truly cannot count (dummy, file, database).
RATELIMIT_USE_CACHE = "default"

EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend"
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "lms@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Celery: without a broker, tasks run in-process (eagerly); with one, on workers.
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
# Nobody waits for a task's result, so none is stored: queueing a task whose
# result is awaited subscribes to the result store first, and with Redis down
# that retried for 20 seconds and then failed the request.
CELERY_TASK_IGNORE_RESULT = True
CELERY_RESULT_BACKEND = os.environ.get("CELERY_RESULT_BACKEND") or None
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A broker that is down must not hang the request that queues a task. Workers
# and beat drop these options and wait for the broker for ever (lms/celery.py).
CELERY_BROKER_TRANSPORT_OPTIONS = {"max_retries": 1, "interval_start": 0}
# One sweep for every kind of background job (core.jobs): it queues again what
# the broker lost or a dead worker left, and gives up on what keeps failing.
CELERY_BEAT_SCHEDULE = {
    "sweep-jobs": {"task": "core.tasks.sweep_jobs", "schedule": 120.0},
}

WAGTAIL_SITE_NAME = _("Hongxi Teacher Training")
WAGTAILADMIN_BASE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000")
WAGTAILADMIN_LOGIN_URL = "account_login"
# Passwords are changed and reset only through allauth's pages (rate limits,
# password rules, the audit log, the first-sign-in requirement).
WAGTAIL_PASSWORD_MANAGEMENT_ENABLED = False
WAGTAIL_PASSWORD_RESET_ENABLED = False
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
# Lesson documents (and videos) live in the private storage and are served
# only by Wagtail's view, after courses.wagtail_hooks checks who is asking.
WAGTAILDOCS_DOCUMENT_MODEL = "cms.PrivateDocument"
WAGTAILDOCS_SERVE_METHOD = "serve_view"
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "pdf", "pptx", "txt", "xlsx", "zip"]
WAGTAILDOCS_MAX_UPLOAD_SIZE = 20 * 1024 * 1024
WAGTAILIMAGES_MAX_UPLOAD_SIZE = 5 * 1024 * 1024
WAGTAILEMBEDS_FINDERS = []  # closed networks: no oEmbed lookups
# Nothing loads from outside the site: no avatars, no update check.
WAGTAIL_GRAVATAR_PROVIDER_URL = None
WAGTAIL_ENABLE_UPDATE_CHECK = False
WAGTAIL_ENABLE_WHATS_NEW_BANNER = False
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000

# H5P packages: limits checked before and while unpacking (zip bombs lie about
# their sizes); larger packages are unpacked by a Celery worker.
H5P_MAX_PACKAGE_BYTES = int(os.environ.get("H5P_MAX_PACKAGE_BYTES", 50 * 1024 * 1024))
H5P_MAX_ENTRIES = 2000
H5P_MAX_UNPACKED_BYTES = 200 * 1024 * 1024
H5P_MAX_COMPRESSION_RATIO = 100
H5P_SYNC_UNPACK_BYTES = 5 * 1024 * 1024
# Where H5P content plays (courses.views_h5p): empty = this site's own host, in a
# sandboxed frame with an opaque origin; set (e.g. "https://h5p.lms.example.org",
# a second host name on the same server, listed in ALLOWED_HOSTS) to serve the
# embed pages and package files from that origin instead. See README, Security.
H5P_CONTENT_ORIGIN = os.environ.get("H5P_CONTENT_ORIGIN", "").rstrip("/")

# Photos and lesson plans attached to placement logs, per file.
PLACEMENT_ATTACHMENT_MAX_BYTES = int(
    os.environ.get("PLACEMENT_ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024)
)

# TrueType fonts for PDFs (xhtml2pdf cannot use CFF/OpenType-outline fonts).
PDF_FONTS = {
    "cjk": os.environ.get(
        "PDF_FONT_CJK", "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"
    ),
    "yi": os.environ.get(
        "PDF_FONT_YI", "/usr/share/fonts/truetype/nuosusil/NuosuSIL-Regular.ttf"
    ),
}

# The Yi font is also served to browsers (site.css loads it only for pages that
# contain Nuosu characters), so phones without a Yi font still show Yi names.
_YI_FONT_DIR = Path(PDF_FONTS["yi"]).parent
if _YI_FONT_DIR.is_dir():
    STATICFILES_DIRS.append(("fonts/nuosu", _YI_FONT_DIR))

# Content-Security-Policy (django-csp): everything from our own origin, no inline
# script without the per-request nonce, images also as data: URIs (the TOTP QR
# code, the site icon). frame-ancestors 'self' because Wagtail's preview shows
# pages in a same-origin iframe.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "media-src": [SELF],
        "frame-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [SELF],
    }
}
# A few path prefixes need a looser policy; these directives replace the ones
# above there, and nowhere else (first matching prefix wins):
# - /cms/: the Wagtail admin ships inline <script> and style attributes.
CSP_PATH_REPLACEMENTS: list[tuple[str, dict]] = [
    (
        "/cms/",
        {"script-src": [SELF, UNSAFE_INLINE], "style-src": [SELF, UNSAFE_INLINE]},
    ),
]
# Lesson pages add these (courses.models.LessonPage.serve): each H5P activity
# plays in an <iframe sandbox="allow-scripts" srcdoc> that inherits the
# lesson's policy, starts from an inline script with the lesson's nonce, and
# runs the code and files the lesson page handed it from blob: URLs it made
# itself (static/js/h5p-lesson.js); the player's icon fonts come inlined.
H5P_PLAYER_CSP_UPDATE = {
    "script-src": ["blob:"],
    "style-src": ["blob:"],
    "img-src": ["blob:"],
    "font-src": ["data:", "blob:"],
    "media-src": ["blob:"],
    "connect-src": [H5P_CONTENT_ORIGIN] if H5P_CONTENT_ORIGIN else [],
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    # Wagtail queues background work through django-tasks; its per-task lines are noise.
    "loggers": {
        "django_tasks": {"level": "WARNING"},
        "django.tasks": {"level": "WARNING"},
    },
}
