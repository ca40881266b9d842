"""Error pages that say what failed."""

import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, HttpResponseServerError
from django.template import loader
from django.views.decorators.csrf import requires_csrf_token


@requires_csrf_token
def server_error(request, template_name="500.html"):
    """Answer 503 with a retry hint when the database is unreachable, else the 500 page.

    The 503 page is plain HTML: rendering base.html would query the database
    that has just failed.
    """
    error = sys.exc_info()[1]
    if isinstance(error, OperationalError | InterfaceError):
        body = loader.get_template("cases/database_unavailable.html").render()
        return HttpResponse(body, status=503, headers={"Retry-After": "5"})
    return HttpResponseServerError(loader.get_template(template_name).render())
