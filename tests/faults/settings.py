"""Settings for the processes the fault tests start (worker, gunicorn).

The suite's settings, with email over SMTP to the test's own sink, media in a
temporary folder and, when asked, a short broker visibility timeout so that a
message held by a killed worker comes back within seconds rather than 15 minutes.
"""

from config.settings.test import *  # noqa: F403
from config.settings.test import CELERY_BROKER_TRANSPORT_OPTIONS, DATABASES, env

# As in production: persistent connections, checked at the start of a request.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DJANGO_CONN_MAX_AGE", default=0)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

if env("FAULT_SMTP_PORT", default=""):
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = "127.0.0.1"
    EMAIL_PORT = env.int("FAULT_SMTP_PORT")
    EMAIL_TIMEOUT = 30

if env("FAULT_VISIBILITY_TIMEOUT", default=""):
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        **CELERY_BROKER_TRANSPORT_OPTIONS,
        "visibility_timeout": env.int("FAULT_VISIBILITY_TIMEOUT"),
        "unacked_restore_interval": 1,
        "unacked_restore_throttle": 1,
    }
