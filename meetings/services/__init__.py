"""Writes for meetings; each service runs in one transaction and logs its event."""

from .scheduling import *  # noqa: F403
