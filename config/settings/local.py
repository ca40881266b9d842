"""Local development: SQLite and in-process tasks unless the environment says otherwise."""

from .base import *  # noqa: F403
from .base import env

DEBUG = env.bool("DJANGO_DEBUG", default=True)
DEMO_MODE = True
DEMO_SEED_ALLOWED = True

# Demo mode relaxes multi-factor sign-in unless the environment asks for it; the
# sign-in page says so.
MFA_REQUIRED = env.bool("MFA_REQUIRED", default=False)
