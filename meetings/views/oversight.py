"""HTTP interface for the IRO's work between reviews: monitoring notes, dispute
resolution (informal, formal stages, Cafcass) and complaints.

Scope first: a child, dispute or meeting the user may not see answers a logged
404; then the role: a visible record the user may not change answers 403.
"""

from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.views.generic import TemplateView

from accounts.models import AccessLog
from accounts.responses import out_of_scope_response
from accounts.services import access_log_record
from cases import selectors as case_selectors
from cases.models import Child
from cases.views import ChildScopedMixin, ServiceFormView

from .. import codes, selectors, services
from ..forms.oversight import (
    ComplaintForm,
    ComplaintOutcomeForm,
    DisputeCafcassForm,
    DisputeEscalateForm,
    DisputeRaiseForm,
    DisputeResolveForm,
    DisputeResponseForm,
    MonitoringNoteForm,
)
from ..models import Action, Dispute, Meeting
from .base import MeetingScopedMixin, related_row

FORM_TEMPLATE = "meetings/oversight/form_page.html"

# --- the child's oversight page ------------------------------------------------------


class OversightChildMixin(ChildScopedMixin):
    """The child through the scope selector, without the record page's prefetches."""

    @cached_property
    def child(self) -> Child | None:
        try:
            return case_selectors.child_list_visible_to(user=self.request.user).get(
                pk=self.kwargs[self.child_pk_kwarg]
            )
        except Child.DoesNotExist:
            return None

    def get_success_url(self):
        return reverse("meetings:child-oversight", kwargs={"pk": self.child.pk})


class ChildOversightView(OversightChildMixin, TemplateView):
    permission_required = "cases.view_child"
    template_name = "meetings/oversight/child_oversight.html"

    def get(self, request, *args, **kwargs):
        access_log_record(
            user=request.user,
            action=AccessLog.Action.VIEW,
            obj=self.child,
            request=request,
            detail="oversight",
        )
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context["oversight"] = selectors.child_oversight_get(
            child=self.child, today=timezone.localdate()
        )
        context["can_add_note"] = user.has_perm("meetings.record_monitoring")
        context["can_raise_dispute"] = user.has_perm("meetings.manage_disputes")
        context["can_manage_complaints"] = user.has_perm("meetings.manage_complaints")
        return context


class MonitoringNoteCreateView(OversightChildMixin, ServiceFormView):
    permission_required = "meetings.record_monitoring"
    form_class = MonitoringNoteForm
    template_name = FORM_TEMPLATE
    title = "Add a monitoring note"
    success_message = "Note added."

    def get_initial(self):
        return {"noted_on": timezone.localdate()}

    def call_service(self, form):
        services.monitoring_note_add(
            child=self.child, author=self.request.user, **form.cleaned_data
        )


class MonitoringNoteCorrectView(MonitoringNoteCreateView):
    """Notes are append-only: a correction is a new note naming the earlier one."""

    title = "Correct a monitoring note"
    success_message = "Correction added; the earlier note is kept as it was."

    @cached_property
    def note(self):
        return get_object_or_404(self.child.monitoring_notes, pk=self.kwargs["note_pk"])

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and self.child is not None:
            self.note  # noqa: B018 - 404 before any form is shown
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self):
        return {**super().get_initial(), "kind": self.note.kind, "text": self.note.text}

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "note": self.note}

    def call_service(self, form):
        services.monitoring_note_add(
            child=self.child,
            author=self.request.user,
            corrects=self.note,
            **form.cleaned_data,
        )


class DisputeCreateView(OversightChildMixin, ServiceFormView):
    permission_required = "meetings.manage_disputes"
    form_class = DisputeRaiseForm
    template_name = FORM_TEMPLATE
    title = "Raise a dispute"
    success_message = "Dispute raised."

    def get_initial(self):
        return {"raised_on": timezone.localdate()}

    def call_service(self, form):
        self.created = services.dispute_raise(
            child=self.child, raised_by=self.request.user, **form.cleaned_data
        )

    def get_success_url(self):
        created = getattr(self, "created", None)
        return created.get_absolute_url() if created else super().get_success_url()


class ComplaintCreateView(OversightChildMixin, ServiceFormView):
    permission_required = "meetings.manage_complaints"
    form_class = ComplaintForm
    template_name = FORM_TEMPLATE
    title = "Log a complaint"
    success_message = "Complaint logged."

    def get_form_kwargs(self):
        meetings = selectors.meeting_list_for_child(child=self.child)
        return {**super().get_form_kwargs(), "meetings": meetings}

    def get_initial(self):
        return {"received_on": timezone.localdate()}

    def call_service(self, form):
        services.complaint_log(
            child=self.child, logged_by=self.request.user, **form.cleaned_data
        )


class ComplaintOutcomeView(OversightChildMixin, ServiceFormView):
    permission_required = "meetings.manage_complaints"
    form_class = ComplaintOutcomeForm
    template_name = FORM_TEMPLATE
    title = "Record the outcome of a complaint"
    success_message = "Outcome recorded."

    @cached_property
    def complaint(self):
        return get_object_or_404(
            self.child.complaints.select_related("meeting"),
            pk=self.kwargs["complaint_pk"],
        )

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and self.child is not None:
            self.complaint  # noqa: B018 - 404 before any form is shown
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "complaint": self.complaint}

    def call_service(self, form):
        services.complaint_record_outcome(
            complaint=self.complaint, recorded_by=self.request.user, **form.cleaned_data
        )


# --- raising a dispute from a drifting action ----------------------------------------


class ActionDisputeCreateView(MeetingScopedMixin, ServiceFormView):
    """One click from an open action to a dispute prefilled as drift."""

    permission_required = "meetings.manage_disputes"
    form_class = DisputeRaiseForm
    template_name = FORM_TEMPLATE
    title = "Raise a dispute about drift"
    success_message = "Dispute raised."

    @cached_property
    def meeting(self) -> Meeting | None:
        try:
            return (
                selectors.meeting_list_visible_to(user=self.request.user)
                .select_related("child")
                .get(pk=self.kwargs["pk"])
            )
        except Meeting.DoesNotExist:
            return None

    @cached_property
    def action(self) -> Action:
        try:
            return selectors.action_get_for_dispute(
                meeting=self.meeting, pk=self.kwargs["action_pk"]
            )
        except Action.DoesNotExist:
            raise Http404("No such open action for this child.") from None

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and self.meeting is not None:
            self.action  # noqa: B018 - 404 before any form is shown
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self):
        return {
            "raised_on": timezone.localdate(),
            "category": codes.DisputeCategory.DRIFT,
            "stage": codes.DisputeStage.INFORMAL,
            "summary": selectors.drift_summary(action=self.action),
        }

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "drift_action": self.action}

    def call_service(self, form):
        self.created = services.dispute_raise(
            child=self.meeting.child,
            raised_by=self.request.user,
            source_action=self.action,
            source_meeting=self.meeting,
            **form.cleaned_data,
        )

    def get_success_url(self):
        created = getattr(self, "created", None)
        return (
            created.get_absolute_url() if created else self.meeting.get_absolute_url()
        )


# --- one dispute ---------------------------------------------------------------------


class DisputeScopedMixin(LoginRequiredMixin, PermissionRequiredMixin):
    """Loads the dispute through the scope selector (a logged 404 outside it).

    `needs_change` lets only the raising IRO or a manager act (403 otherwise).
    """

    needs_change = False

    @cached_property
    def dispute(self) -> Dispute | None:
        try:
            return selectors.dispute_get_for_detail(
                user=self.request.user, pk=self.kwargs["pk"]
            )
        except Dispute.DoesNotExist:
            return None

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and self.dispute is None:
            return out_of_scope_response(
                request, model=Dispute, object_id=self.kwargs["pk"]
            )
        return super().dispatch(request, *args, **kwargs)

    def has_permission(self):
        user = self.request.user
        if self.needs_change:
            return selectors.dispute_may_change(user=user, dispute=self.dispute)
        return selectors.dispute_may_read(user=user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["dispute"] = self.dispute
        context["child"] = self.dispute.child
        return context

    def get_success_url(self):
        return self.dispute.get_absolute_url()


class DisputeDetailView(DisputeScopedMixin, TemplateView):
    template_name = "meetings/oversight/dispute_detail.html"

    def get(self, request, *args, **kwargs):
        access_log_record(
            user=request.user,
            action=AccessLog.Action.VIEW,
            obj=self.dispute,
            request=request,
        )
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["detail"] = selectors.dispute_detail_get(
            dispute=self.dispute,
            user=self.request.user,
            clock=case_selectors.clock_get(),
            today=timezone.localdate(),
        )
        return context


class DisputeEscalateView(DisputeScopedMixin, ServiceFormView):
    needs_change = True
    form_class = DisputeEscalateForm
    template_name = FORM_TEMPLATE
    title = "Escalate the dispute"
    success_message = "Dispute escalated."

    def get_form_kwargs(self):
        stages = selectors.dispute_stages_above(self.dispute.stage)
        return {**super().get_form_kwargs(), "stages": stages}

    def get_initial(self):
        return {"escalated_on": timezone.localdate()}

    def call_service(self, form):
        services.dispute_escalate(
            dispute=self.dispute, escalated_by=self.request.user, **form.cleaned_data
        )


class DisputeResolveView(DisputeScopedMixin, ServiceFormView):
    needs_change = True
    form_class = DisputeResolveForm
    template_name = FORM_TEMPLATE
    title = "Close the dispute"
    success_message = "Dispute closed."

    def get_initial(self):
        return {"closed_on": timezone.localdate()}

    def call_service(self, form):
        services.dispute_resolve(
            dispute=self.dispute, resolved_by=self.request.user, **form.cleaned_data
        )


class DisputeCafcassView(DisputeScopedMixin, ServiceFormView):
    needs_change = True
    form_class = DisputeCafcassForm
    template_name = FORM_TEMPLATE
    title = "Refer to Cafcass"
    success_message = "Referral to Cafcass recorded."

    def get_initial(self):
        return {"referred_on": timezone.localdate()}

    def call_service(self, form):
        services.dispute_refer_to_cafcass(
            dispute=self.dispute, referred_by=self.request.user, **form.cleaned_data
        )


class DisputeStepRespondView(DisputeScopedMixin, ServiceFormView):
    form_class = DisputeResponseForm
    template_name = FORM_TEMPLATE
    title = "Record the response to a stage"
    success_message = "Response recorded."

    @cached_property
    def step(self):
        return related_row(self.dispute.steps.all(), self.kwargs["step_pk"])

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and self.dispute is not None:
            self.step  # noqa: B018 - 404 before any form is shown
        return super().dispatch(request, *args, **kwargs)

    def has_permission(self):
        return selectors.dispute_step_may_respond(
            user=self.request.user, dispute=self.dispute, step=self.step
        )

    def get_initial(self):
        return {"responded_on": timezone.localdate()}

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "step": self.step}

    def call_service(self, form):
        services.dispute_step_respond(
            step=self.step, responded_by=self.request.user, **form.cleaned_data
        )


# --- the managers' list --------------------------------------------------------------


class DisputeListView(LoginRequiredMixin, PermissionRequiredMixin, TemplateView):
    permission_required = "meetings.respond_disputes"
    template_name = "meetings/oversight/dispute_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["groups"] = selectors.dispute_list_open_by_stage(
            user=self.request.user, today=timezone.localdate()
        )
        return context
