"""Settings shared by every environment; values come from the environment."""

from pathlib import Path

import environ
from celery.schedules import crontab

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
env_file = BASE_DIR / ".env"
# A developer's .env is read unless told not to (the deployment checks do).
if env_file.exists() and env.bool("DJANGO_READ_ENV_FILE", default=True):
    env.read_env(str(env_file))

SECRET_KEY = env("DJANGO_SECRET_KEY", default="insecure-development-key-change-me")
DEBUG = env.bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])

DJANGO_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
]
THIRD_PARTY_APPS = [
    "crispy_forms",
    "crispy_bootstrap5",
    "django_filters",
    "simple_history",
    "rules.apps.AutodiscoverRulesConfig",
    "axes",
    "django_celery_beat",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
]
LOCAL_APPS = [
    "accounts",
    "cases",
    "meetings",
    "lado",
    "reg44",
    "reporting",
]
INSTALLED_APPS = DJANGO_APPS + THIRD_PARTY_APPS + LOCAL_APPS

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "accounts.middleware.SessionIdleTimeoutMiddleware",
    "accounts.middleware.MultiFactorRequiredMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

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
                "accounts.context_processors.roles",
                "accounts.context_processors.navigation",
            ],
        },
    },
]

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")
}
DATABASES["default"]["ATOMIC_REQUESTS"] = True
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DJANGO_CONN_MAX_AGE", default=0)
# Short page queries over large tables, many at once: PostgreSQL's JIT compilation
# costs more than it saves (100-200 ms a query at national volume), and parallel
# workers each rebuild a query's hashes, taking cores other requests need.
POSTGRES_OPTIONS = "-c jit=off -c max_parallel_workers_per_gather=0"
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = POSTGRES_OPTIONS
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"
    },
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Sessions end after inactivity (checked by SessionIdleTimeoutMiddleware) and in
# any case after an absolute lifetime.
SESSION_IDLE_TIMEOUT_SECONDS = env.int("SESSION_IDLE_TIMEOUT_SECONDS", default=30 * 60)
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=10 * 60 * 60)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True

# Multi-factor sign-in (TOTP app plus single-use backup codes, django-otp).
# Required for every account unless the environment turns it off; production
# refuses to start without it, local demo mode relaxes it and says so.
MFA_REQUIRED = env.bool("MFA_REQUIRED", default=True)
# The issuer name an authenticator app shows next to the account.
OTP_TOTP_ISSUER = env("OTP_TOTP_ISSUER", default="Reviewing service")
MFA_BACKUP_CODE_COUNT = 10
# Device secrets and backup codes are never shown in the admin.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

# Brute-force protection locks the combination of user name and address, not the
# address alone, so one office behind a shared address is not locked out together.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=0.25)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True
DATE_INPUT_FORMATS = ["%Y-%m-%d", "%d/%m/%Y", "%d/%m/%y", "%d-%m-%Y"]

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = env.path("DJANGO_MEDIA_ROOT", default=str(BASE_DIR / "media"))
MEDIA_URL = "media/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

EMAIL_BACKEND = env(
    "DJANGO_EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend"
)
# With the file backend, each email is written to a file in this folder.
EMAIL_FILE_PATH = env("DJANGO_EMAIL_FILE_PATH", default=str(BASE_DIR / "sent-email"))
DEFAULT_FROM_EMAIL = env(
    "DJANGO_DEFAULT_FROM_EMAIL", default="reviewing-service@localhost"
)

# Celery. With no broker configured, tasks run in-process (make run).
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = None
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_TIME_LIMIT = 10 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 9 * 60
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_ACKS_ON_FAILURE_OR_TIMEOUT = False
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 15 * 60}
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_BEAT_SCHEDULE = {
    # Every night at 02:30 London time: recompute stored due dates, so that a
    # change to the calendar (a new bank holiday year, a closure day) is never missed.
    "due-dates-recalculate-nightly": {
        "task": "cases.tasks.due_dates_recalculate_task",
        "schedule": crontab(hour=2, minute=30),
    },
    # Every night at 02:40 London time: recompute open allegations' stored due
    # dates, so a new closure day or a changed local rule is never missed.
    "lado-due-dates-recalculate-nightly": {
        "task": "lado.tasks.allegation_due_dates_recalculate_task",
        "schedule": crontab(hour=2, minute=40),
    },
    # Every working day at 07:00 London time: email the owner of each overdue
    # action from a LADO allegation meeting, at most once a day per action.
    "lado-actions-chase-daily": {
        "task": "lado.tasks.actions_chase_overdue_task",
        "schedule": crontab(hour=7, minute=0, day_of_week="mon-fri"),
    },
    # Every working day at 06:00 London time, after the nightly due-date
    # recalculations: mark every open statutory item on track, due soon or
    # overdue, notify owners and their team managers, and send each user's digest
    # once (cases.sweep; takes an advisory lock, safe to run twice).
    "timescale-sweep-daily": {
        "task": "cases.tasks.timescale_sweep_task",
        "schedule": crontab(hour=6, minute=0, day_of_week="mon-fri"),
    },
    # Every working day at 06:15 London time, after the sweep: chase the
    # addressee of each practice alert past its response date, once per alert
    # (meetings.services.practice_alerts_chase_overdue; safe to run twice).
    "practice-alerts-chase-daily": {
        "task": "meetings.tasks.practice_alerts_chase_overdue_task",
        "schedule": crontab(hour=6, minute=15, day_of_week="mon-fri"),
    },
}
# LADO record retention (DOMAIN.md LA-08): the adult's normal pension age, in years.
LADO_NORMAL_PENSION_AGE = env.int("LADO_NORMAL_PENSION_AGE", default=67)

# Statutory clock. Local-practice rules (basis L in DOMAIN.md) can be changed by an
# administrator on the timescale settings page; these are the fallbacks.
DEMO_SEED_ALLOWED = False
TIMESCALE_DUE_SOON_WORKING_DAYS = env.int("TIMESCALE_DUE_SOON_WORKING_DAYS", default=5)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("DJANGO_LOG_LEVEL", default="INFO")},
}

# Content Security Policy (django-csp 4): scripts, styles and everything else come
# only from this site's own static files; nothing inline (no <script> bodies,
# style="" or on* attributes, checked by tests/test_csp.py), no eval, no plugins,
# never framed, forms post only here. Charts are drawn from data in a
# json_script block, which is data, not script.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    },
}

# How long emergency (break-glass) access to a child lasts (cases.breakglass).
BREAKGLASS_GRANT_HOURS = env.int("BREAKGLASS_GRANT_HOURS", default=4)

# Resilience (cases/outbox.py). A task that cannot reach the broker waits in the
# database outbox instead of failing the request; beat queues the relay every
# minute, which sends it when Redis is back and notes that the worker is alive.
# Administrators see a "Background work delayed" notice while anything waits or
# when the worker has been quiet for longer than this.
BACKGROUND_DELAY_NOTICE_MINUTES = env.int("BACKGROUND_DELAY_NOTICE_MINUTES", default=5)
TEMPLATES[0]["OPTIONS"]["context_processors"].append(
    "cases.context_processors.background_notice"
)
CELERY_BEAT_SCHEDULE["outbox-relay-every-minute"] = {
    # Every minute: send tasks kept while the broker was down; heartbeat.
    "task": "cases.tasks.pending_tasks_relay_task",
    "schedule": 60.0,
}
# Every task in this project is idempotent (STYLE 6), so a task whose worker
# process dies mid-run (killed, out of memory) goes back on the queue.
CELERY_TASK_REJECT_ON_WORKER_LOST = True
# Sending a task fails fast when Redis is down (it then waits in the outbox)
# rather than holding the web request.
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 2,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.5,
}
CELERY_BROKER_TRANSPORT_OPTIONS["socket_connect_timeout"] = 3
# The worker and beat keep trying to reach a broker that went away, for ever.
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_CONNECTION_MAX_RETRIES = None
# A persistent connection broken by a database restart is noticed and replaced at
# the start of the next request instead of failing it.
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
