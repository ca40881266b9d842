"""Test settings: PostgreSQL is required; fast hasher; in-memory email."""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import DATABASES, POSTGRES_OPTIONS, env

DATABASES["default"] = env.db(
    "TEST_DATABASE_URL", default="postgres://postgres@127.0.0.1:5432/reviewing"
)
DATABASES["default"]["ATOMIC_REQUESTS"] = True
DATABASES["default"]["OPTIONS"] = {"options": POSTGRES_OPTIONS}
if DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
    raise ImproperlyConfigured("The test suite runs on PostgreSQL (TEST_DATABASE_URL).")

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Tasks run in-process in tests, except in the worker that tests/worker starts,
# which is given a real Redis broker through TEST_CELERY_BROKER_URL.
CELERY_BROKER_URL = env("TEST_CELERY_BROKER_URL", default="")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
DEMO_MODE = False
AXES_ENABLED = True
DEMO_SEED_ALLOWED = True
# Multi-factor sign-in is off for the suite; its own tests turn it on.
MFA_REQUIRED = False
