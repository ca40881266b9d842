"""Writes for meetings; each service runs in one transaction and logs its event."""

from .alerts import *  # noqa: F403
from .cp import *  # noqa: F403
from .oversight import *  # noqa: F403
from .quality import *  # noqa: F403
from .records import *  # noqa: F403
from .scheduling import *  # noqa: F403
