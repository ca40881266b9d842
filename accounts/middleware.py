"""Session controls and the multi-factor gate, checked on every request.

A signed-in session ends after a period of inactivity, after an absolute
lifetime, and as soon as the user's session epoch moves on (password change, an
administrator ending the sessions or disabling the account). A user who must
pass a second factor reaches nothing but the multi-factor pages until they do.
"""

import time
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect
from django.urls import Resolver404, resolve, reverse

from . import sessions
from .models import AccessLog
from .services import access_log_record

_MESSAGES = {
    "idle": "You were signed out after a period of inactivity. Please sign in again.",
    "absolute": (
        "You were signed out because a sign-in lasts at most {hours} hours. "
        "Please sign in again."
    ),
    "ended": (
        "You were signed out because your sessions were ended (a password change "
        "or an administrator). Please sign in again."
    ),
}

# The pages a signed-in user who has not passed the second factor may reach.
MFA_OPEN_VIEWS = frozenset(
    {
        "accounts:mfa-verify",
        "accounts:mfa-enrol",
        "accounts:mfa-recover",
        "accounts:logout",
    }
)


class SessionIdleTimeoutMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated:
            now = int(time.time())
            reason = sessions.session_end_reason(
                session=request.session,
                user=user,
                now=now,
                idle_limit=settings.SESSION_IDLE_TIMEOUT_SECONDS,
                absolute_limit=settings.SESSION_COOKIE_AGE,
            )
            if reason is not None:
                if reason != "idle":
                    access_log_record(
                        user=user,
                        action=AccessLog.Action.SIGN_OUT,
                        request=request,
                        detail=f"session ended ({reason})",
                    )
                logout(request)
                hours = settings.SESSION_COOKIE_AGE // 3600
                messages.info(request, _MESSAGES[reason].format(hours=hours))
                return redirect_to_login(request.get_full_path())
            # Write at most once a minute to keep session saves cheap.
            last = request.session.get(sessions.LAST_ACTIVITY)
            if last is None or now - last >= 60:
                request.session[sessions.LAST_ACTIVITY] = now
        return self.get_response(request)


class MultiFactorRequiredMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated and not user.is_verified():
            has_factor = request.session.get(sessions.HAS_SECOND_FACTOR, False)
            if (has_factor or settings.MFA_REQUIRED) and not _is_open(request):
                target = "accounts:mfa-verify" if has_factor else "accounts:mfa-enrol"
                query = urlencode({"next": request.get_full_path()})
                return redirect(f"{reverse(target)}?{query}")
        return self.get_response(request)


def _is_open(request) -> bool:
    try:
        return resolve(request.path_info).view_name in MFA_OPEN_VIEWS
    except Resolver404:
        return False
