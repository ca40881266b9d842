"""Ends a signed-in session after a period of inactivity."""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login

_KEY = "last_activity"


class SessionIdleTimeoutMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = int(time.time())
            last = request.session.get(_KEY)
            limit = settings.SESSION_IDLE_TIMEOUT_SECONDS
            if last is not None and now - last > limit:
                logout(request)
                messages.info(
                    request,
                    "You were signed out after a period of inactivity. Please sign in again.",
                )
                return redirect_to_login(request.get_full_path())
            # Write at most once a minute to keep session saves cheap.
            if last is None or now - last >= 60:
                request.session[_KEY] = now
        return self.get_response(request)
