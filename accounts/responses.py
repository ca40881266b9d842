"""Responses for refused access that must leave a trace in the access log."""

from django.template.response import TemplateResponse

from .models import AccessLog
from .services import access_log_record


def out_of_scope_response(request, *, model, object_id) -> TemplateResponse:
    """Log a refused access and answer 404, as for a record that does not exist.

    Returned rather than raised: with ATOMIC_REQUESTS an exception would roll the
    log entry back along with the request.
    """
    access_log_record(
        user=request.user,
        action=AccessLog.Action.DENIED,
        model=model,
        object_id=object_id,
        request=request,
    )
    return TemplateResponse(request, "404.html", status=404)
