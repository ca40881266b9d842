"""Writes for meetings; each service runs in one transaction and logs its event."""

from .cp import *  # noqa: F403
from .oversight import *  # noqa: F403
from .records import *  # noqa: F403
from .scheduling import *  # noqa: F403
