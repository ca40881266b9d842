"""The Regulation 44 log of steps. Called only by services, in their transaction."""

from .models import Reg44Event


def reg44_event(*, home, by, code: str, visit=None, detail: str = "") -> Reg44Event:
    """Record that `by` did `code` to `home` or one of its visits."""
    return Reg44Event.objects.create(
        home=home, visit=visit, by=by, code=code, detail=detail[:500]
    )
