"""Reads for meetings. Record scope lives here, used by views, tasks and PDFs alike."""

from .scheduling import *  # noqa: F403
