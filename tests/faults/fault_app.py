"""The project's Celery app with a pause point inside PDF rendering, for fault tests.

`celery -A tests.faults.fault_app worker`: while the file named by
FAULT_PAUSE_FILE exists and holds a number N, the Nth PDF rendered by a worker
process writes that process's id to FAULT_PAUSED_FILE and sleeps, so that a test
can kill the process in the middle of a render.
"""

import os
import time
from pathlib import Path

from config.celery import app

_calls = 0


def _pausing(render):
    def render_pdf(template_name, context):
        global _calls
        _calls += 1
        armed = Path(os.environ.get("FAULT_PAUSE_FILE", "/nonexistent"))
        if armed.exists() and _calls == int(armed.read_text() or 1):
            Path(os.environ["FAULT_PAUSED_FILE"]).write_text(str(os.getpid()))
            time.sleep(120)
        return render(template_name, context)

    return render_pdf


import cases.pdf  # noqa: E402 - patched once, before any worker process forks

cases.pdf.render_pdf = _pausing(cases.pdf.render_pdf)


__all__ = ["app"]
