"""Mixins shared by meeting views: scope first (a logged 404), then permission."""

from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.functional import cached_property

from accounts.responses import out_of_scope_response
from cases.views import ServiceFormView

from .. import selectors
from ..models import Meeting


class MeetingScopedMixin(LoginRequiredMixin, PermissionRequiredMixin):
    """Loads the meeting through the scope selector.

    A meeting the user may not see answers 404 and is logged. `needs_chair` lets
    only the meeting's chair act; `needs_scheduler` lets managers and the chair.
    """

    meeting_pk_kwarg = "pk"
    needs_chair = False
    needs_scheduler = False

    @cached_property
    def meeting(self) -> Meeting | None:
        try:
            return selectors.meeting_get_for_detail(
                user=self.request.user, pk=self.kwargs[self.meeting_pk_kwarg]
            )
        except Meeting.DoesNotExist:
            return None

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and self.meeting is None:
            return out_of_scope_response(
                request, model=Meeting, object_id=self.kwargs[self.meeting_pk_kwarg]
            )
        return super().dispatch(request, *args, **kwargs)

    def has_permission(self):
        if not super().has_permission():
            return False
        user = self.request.user
        if self.needs_chair and not selectors.meeting_may_chair(
            user=user, meeting=self.meeting
        ):
            return False
        return not (
            self.needs_scheduler
            and not selectors.meeting_may_schedule(user=user, meeting=self.meeting)
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["meeting"] = self.meeting
        context["child"] = self.meeting.child
        return context


def related_row(rows, pk):
    """Return the row of this meeting with `pk`, or 404 (never another meeting's)."""
    for row in rows:
        if row.pk == pk:
            return row
    raise Http404("No such record for this meeting.")


class MeetingFormView(MeetingScopedMixin, ServiceFormView):
    """A form about one meeting that calls one service and returns to the meeting."""

    def get_success_url(self):
        return self.meeting.get_absolute_url()


__all__ = ["MeetingFormView", "MeetingScopedMixin", "PermissionDenied", "related_row"]
