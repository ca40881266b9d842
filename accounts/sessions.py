"""What a signed-in session remembers about itself, and the checks made on it.

A session records when it began, the user's session epoch at that moment and
whether the user has a second factor to pass. The middleware compares these
with the clock and the user's current epoch on every request.
"""

from __future__ import annotations

import time

SIGNED_IN_AT = "signed_in_at"
EPOCH = "session_epoch"
LAST_ACTIVITY = "last_activity"
HAS_SECOND_FACTOR = "mfa_has_device"


def session_begin(*, session, user, has_second_factor: bool) -> None:
    """Stamp a newly signed-in session with its start, epoch and factor state."""
    session[SIGNED_IN_AT] = int(time.time())
    session[LAST_ACTIVITY] = int(time.time())
    session[EPOCH] = user.session_epoch
    session[HAS_SECOND_FACTOR] = has_second_factor


def session_end_reason(
    *, session, user, now: int, idle_limit: int, absolute_limit: int
) -> str | None:
    """Return why this session must end now, or None while it may go on."""
    if session.get(EPOCH) != user.session_epoch:
        return "ended"
    started = session.get(SIGNED_IN_AT)
    if started is None or now - started > absolute_limit:
        return "absolute"
    last = session.get(LAST_ACTIVITY)
    if last is not None and now - last > idle_limit:
        return "idle"
    return None


def user_logged_in_handler(sender, request, user, **kwargs):
    if request is None or not hasattr(request, "session"):
        return
    from .selectors import user_has_second_factor

    session_begin(
        session=request.session,
        user=user,
        has_second_factor=user_has_second_factor(user=user),
    )
