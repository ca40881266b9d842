"""Reads for meetings. Record scope lives here, used by views, tasks and PDFs alike."""

from .alerts import *  # noqa: F403
from .cp import *  # noqa: F403
from .oversight import *  # noqa: F403
from .quality import *  # noqa: F403
from .records import *  # noqa: F403
from .reporting import *  # noqa: F403
from .scheduling import *  # noqa: F403
