"""Booking reviews, preparing them and recording what happened at them."""

from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.functional import cached_property
from django.views.generic import ListView, TemplateView

from cases import selectors as case_selectors
from cases.concurrency import VersionCheckedFormMixin
from cases.timescales import is_in_time
from cases.views import ChildRecordFormView, ChildScopedMixin

from .. import selectors, services
from ..forms.scheduling import (
    ActionForm,
    ActionStatusForm,
    AdjournForm,
    BookReviewForm,
    CancelBookingForm,
    ChecklistForm,
    ConsultationForm,
    ExpectedReportForm,
    HoldForm,
    ParticipantForm,
    RebookForm,
)
from ..models import Meeting
from .base import MeetingFormView, MeetingScopedMixin, related_row


def _booked_in_time(meeting) -> bool | None:
    if meeting is None or meeting.scheduled_for is None:
        return None
    return is_in_time(
        held_on=timezone.localtime(meeting.scheduled_for).date(), due_on=meeting.due_on
    )


class ChildMeetingsView(ChildScopedMixin, TemplateView):
    permission_required = "meetings.view_meeting"
    template_name = "meetings/child_meetings.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        due = selectors.child_review_due(
            child=self.child, clock=case_selectors.clock_get()
        )
        context["review_due"] = due
        context["booked_in_time"] = _booked_in_time(due.meeting if due else None)
        context["meetings"] = selectors.meeting_list_for_child(child=self.child)
        context["can_book"] = due is not None and selectors.meeting_may_schedule(
            user=user, meeting=due.meeting
        )
        context.update(selectors.oversight_panel_context(child=self.child, user=user))
        return context


class ReviewBookView(ChildRecordFormView):
    permission_required = "meetings.schedule_meeting"
    form_class = BookReviewForm
    title = "Book a Children in Care review"
    template_name = "meetings/review_book.html"

    @cached_property
    def review_due(self):
        return selectors.child_review_due(
            child=self.child, clock=case_selectors.clock_get()
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["review_due"] = self.review_due
        return context

    def call_service(self, form):
        self.booked = services.review_book(
            child=self.child, booked_by=self.request.user, **form.cleaned_data
        )
        in_time = _booked_in_time(self.booked)
        self.success_message = (
            "Review booked inside the statutory timescale."
            if in_time
            else f"Review booked AFTER its due date ({self.booked.due_on:%d/%m/%Y}): "
            "the review will be out of timescale."
        )

    def get_success_url(self):
        booked = getattr(self, "booked", None)
        return booked.get_absolute_url() if booked else super().get_success_url()


class MeetingDetailView(MeetingScopedMixin, TemplateView):
    permission_required = "meetings.view_meeting"
    template_name = "meetings/meeting_detail.html"

    def dispatch(self, request, *args, **kwargs):
        # Conferences and other meetings have their own page.
        if (
            request.user.is_authenticated
            and self.meeting is not None
            and self.meeting.kind != Meeting.Kind.CIC_REVIEW
        ):
            return redirect(self.meeting)
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, *args, **kwargs):
        from accounts.models import AccessLog
        from accounts.services import access_log_record

        access_log_record(
            user=request.user,
            action=AccessLog.Action.VIEW,
            obj=self.meeting,
            request=request,
        )
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        meeting, user = self.meeting, self.request.user
        clock = case_selectors.clock_get()
        context["due"] = clock.due(meeting.due_rule, meeting.due_start_on)
        context["booked_in_time"] = _booked_in_time(meeting)
        context["today"] = timezone.localdate()
        if meeting.adjourned_on:
            context["reconvene"] = clock.due("cic_reconvene", meeting.adjourned_on)
        context["can_chair"] = selectors.meeting_may_chair(user=user, meeting=meeting)
        context["can_schedule"] = selectors.meeting_may_schedule(
            user=user, meeting=meeting
        )
        context.update(selectors.record_panel_context(meeting=meeting, user=user))
        context.update(selectors.drift_panel_context(meeting=meeting, user=user))
        context.update(selectors.quality_panel_context(meeting=meeting, user=user))
        return context


class ReviewRebookView(MeetingFormView):
    permission_required = "meetings.schedule_meeting"
    needs_scheduler = True
    form_class = RebookForm
    title = "Rebook the meeting"
    success_message = "Meeting rebooked; its due date is unchanged."

    def call_service(self, form):
        services.review_rebook(
            meeting=self.meeting, rebooked_by=self.request.user, **form.cleaned_data
        )


class BookingCancelView(MeetingFormView):
    permission_required = "meetings.schedule_meeting"
    needs_scheduler = True
    form_class = CancelBookingForm
    title = "Cancel the booking"
    success_message = "Booking cancelled. The review is still owed by its due date."

    def call_service(self, form):
        services.meeting_cancel(
            meeting=self.meeting, cancelled_by=self.request.user, **form.cleaned_data
        )


class MeetingHoldView(MeetingFormView):
    permission_required = "meetings.chair_meeting"
    needs_chair = True
    form_class = HoldForm
    title = "Record the review as held"
    success_message = "Review recorded as held. The next review is now owed."

    def get_initial(self):
        return {"held_on": timezone.localdate()}

    def call_service(self, form):
        services.meeting_hold(
            meeting=self.meeting, held_by=self.request.user, **form.cleaned_data
        )


class MeetingAdjournView(MeetingFormView):
    permission_required = "meetings.chair_meeting"
    needs_chair = True
    form_class = AdjournForm
    title = "Adjourn the review (once, up to 20 working days)"
    success_message = "Review adjourned."

    def call_service(self, form):
        services.meeting_adjourn(
            meeting=self.meeting, adjourned_by=self.request.user, **form.cleaned_data
        )


class ParticipantCreateView(MeetingFormView):
    permission_required = "meetings.schedule_meeting"
    needs_scheduler = True
    form_class = ParticipantForm
    title = "Invite someone"
    success_message = "Invitation recorded."

    def call_service(self, form):
        services.participant_add(
            meeting=self.meeting, added_by=self.request.user, **form.cleaned_data
        )


class ParticipantUpdateView(VersionCheckedFormMixin, MeetingFormView):
    permission_required = "meetings.schedule_meeting"
    needs_scheduler = True
    form_class = ParticipantForm
    title = "Invitation and attendance"
    success_message = "Saved."

    def get_versioned_record(self):
        return self.participant

    @cached_property
    def participant(self):
        return related_row(
            self.meeting.participants.all(), self.kwargs["participant_pk"]
        )

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "instance": type(self.participant).objects.get(pk=self.participant.pk),
        }

    def call_service(self, form):
        services.participant_update(
            participant=self.participant,
            updated_by=self.request.user,
            **form.cleaned_data,
        )


class ExpectedReportUpdateView(VersionCheckedFormMixin, MeetingFormView):
    permission_required = "meetings.schedule_meeting"
    needs_scheduler = True
    form_class = ExpectedReportForm
    title = "Report before the meeting"
    success_message = "Report tracking saved."

    def get_versioned_record(self):
        return self.expected

    @cached_property
    def expected(self):
        return related_row(
            self.meeting.expected_reports.all(), self.kwargs["expected_pk"]
        )

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "instance": type(self.expected).objects.get(pk=self.expected.pk),
        }

    def call_service(self, form):
        services.expected_report_update(
            report=self.expected, updated_by=self.request.user, **form.cleaned_data
        )


class ConsultationCreateView(MeetingFormView):
    permission_required = "meetings.schedule_meeting"
    needs_scheduler = True
    form_class = ConsultationForm
    title = "Record views before the review"
    success_message = "Views recorded."

    def get_initial(self):
        return {
            "received_on": timezone.localdate(),
            "from_role": "child",
            "name": self.meeting.child.known_as,
        }

    def call_service(self, form):
        services.consultation_add(
            meeting=self.meeting, recorded_by=self.request.user, **form.cleaned_data
        )


class ChecklistUpdateView(MeetingFormView):
    permission_required = "meetings.chair_meeting"
    needs_chair = True
    form_class = ChecklistForm
    title = "What the review considered"
    success_message = "Checklist saved."

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "items": self.meeting.checklist.all()}

    def call_service(self, form):
        services.checklist_update(
            meeting=self.meeting, updated_by=self.request.user, items=form.items_data()
        )


class ActionCreateView(MeetingFormView):
    permission_required = "meetings.chair_meeting"
    needs_chair = True
    form_class = ActionForm
    title = "Record a decision or action"
    success_message = "Decision recorded."

    def call_service(self, form):
        services.action_add(
            meeting=self.meeting, added_by=self.request.user, **form.cleaned_data
        )


class ActionUpdateView(VersionCheckedFormMixin, MeetingFormView):
    permission_required = "meetings.chair_meeting"
    needs_chair = True
    form_class = ActionForm
    title = "Change a decision or action"
    success_message = "Decision updated."

    def get_versioned_record(self):
        return self.action

    @cached_property
    def action(self):
        return related_row(self.meeting.actions.all(), self.kwargs["action_pk"])

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "instance": type(self.action).objects.get(pk=self.action.pk),
        }

    def call_service(self, form):
        services.action_update(
            action=self.action, updated_by=self.request.user, **form.cleaned_data
        )


class ActionStatusView(MeetingFormView):
    permission_required = "meetings.schedule_meeting"
    needs_scheduler = True
    form_class = ActionStatusForm
    title = "Progress of a decision or action"
    success_message = "Progress recorded."

    @cached_property
    def action(self):
        return related_row(self.meeting.actions.all(), self.kwargs["action_pk"])

    def get_initial(self):
        return {
            "status": self.action.status,
            "completed_on": self.action.completed_on,
            "completion_note": self.action.completion_note,
        }

    def call_service(self, form):
        services.action_update(
            action=self.action, updated_by=self.request.user, **form.cleaned_data
        )


class MeetingListView(LoginRequiredMixin, PermissionRequiredMixin, ListView):
    permission_required = "meetings.view_meeting"
    template_name = "meetings/meeting_list.html"
    paginate_by = 50
    context_object_name = "meetings"

    def get_queryset(self):
        params = self.request.GET
        return selectors.review_list(
            user=self.request.user,
            today=timezone.localdate(),
            status=params.get("status", "open"),
            mine=params.get("mine") == "1",
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["status"] = self.request.GET.get("status", "open")
        context["mine"] = self.request.GET.get("mine") == "1"
        return context


class CaseloadView(LoginRequiredMixin, PermissionRequiredMixin, ListView):
    permission_required = "meetings.chair_meeting"
    template_name = "meetings/caseload.html"
    context_object_name = "children"
    paginate_by = 100

    def get_queryset(self):
        return selectors.iro_caseload(
            user=self.request.user, today=timezone.localdate()
        )
