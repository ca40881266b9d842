"""HTTP interface for quality assurance: the chair's quality check after a
meeting, QA meetings with team managers, panel referrals and training themes.

Scope first (a logged 404), then the role (403). Every page about a child or a
meeting is written to the access log; every change is kept by simple-history.
"""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.generic import ListView, TemplateView

from accounts.models import AccessLog
from accounts.responses import out_of_scope_response
from accounts.roles import Role
from accounts.services import access_log_record
from cases.errors import DomainError
from cases.views import ServiceFormView

from .. import selectors, services
from ..forms.quality import (
    PanelOutcomeForm,
    PanelReferralForm,
    QAMeetingForm,
    QualityCheckForm,
    QualityReportRowFormSet,
    TrainingThemeForm,
)
from ..models import PanelReferral, QAMeeting
from .base import MeetingScopedMixin
from .oversight import OversightChildMixin

FORM_TEMPLATE = "meetings/quality_form_page.html"


def _log_view(request, obj, detail: str = "") -> None:
    access_log_record(
        user=request.user,
        action=AccessLog.Action.VIEW,
        obj=obj,
        request=request,
        detail=detail,
    )


# --- the chair's quality check ---------------------------------------------------------


class QualityCheckView(MeetingScopedMixin, TemplateView):
    """The chair answers (or changes) the check; managers read it."""

    permission_required = "meetings.view_meeting"
    template_name = "meetings/quality_check.html"

    def dispatch(self, request, *args, **kwargs):
        meeting = self.meeting if request.user.is_authenticated else None
        if meeting is not None and (
            meeting.kind not in selectors.QUALITY_CHECK_KINDS
            or meeting.status != meeting.Status.HELD
        ):
            raise Http404("A quality check follows a held review or conference.")
        return super().dispatch(request, *args, **kwargs)

    def has_permission(self):
        return super().has_permission() and selectors.quality_check_may_read(
            user=self.request.user, meeting=self.meeting
        )

    @cached_property
    def can_answer(self) -> bool:
        return selectors.quality_check_may_answer(
            user=self.request.user, meeting=self.meeting
        )

    @cached_property
    def quality_check(self):
        return selectors.quality_check_get(meeting=self.meeting)

    def get(self, request, *args, **kwargs):
        _log_view(request, self.meeting, detail="quality check")
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        if not self.can_answer:
            raise PermissionDenied("Only the chair answers the quality check.")
        form = QualityCheckForm(request.POST)
        formset = QualityReportRowFormSet(request.POST, prefix="rows")
        if form.is_valid() and formset.is_valid():
            try:
                services.quality_check_save(
                    meeting=self.meeting,
                    by=request.user,
                    rows=formset.rows(),
                    **form.cleaned_data,
                )
            except DomainError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, "Quality check saved.")
                return redirect(self.meeting)
        return self.render_to_response(
            self.get_context_data(form=form, formset=formset)
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if "form" not in kwargs:
            answers, rows = selectors.quality_check_initial(
                meeting=self.meeting, check=self.quality_check
            )
            context["form"] = QualityCheckForm(initial=answers)
            context["formset"] = QualityReportRowFormSet(initial=rows, prefix="rows")
        context["check"] = self.quality_check
        context["can_answer"] = self.can_answer
        context.update(selectors.quality_check_facts(meeting=self.meeting))
        return context


class QualityCheckListView(LoginRequiredMixin, PermissionRequiredMixin, ListView):
    """Held reviews and conferences still owing a quality check."""

    template_name = "meetings/quality_check_list.html"
    context_object_name = "meetings"
    paginate_by = 50

    def has_permission(self):
        user = self.request.user
        return user.has_perm("meetings.chair_meeting") or user.has_role(Role.MANAGER)

    def get_queryset(self):
        return selectors.quality_check_list_outstanding(user=self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["is_manager"] = self.request.user.has_role(Role.MANAGER)
        return context


# --- QA meetings -----------------------------------------------------------------------


class QAMeetingListView(LoginRequiredMixin, PermissionRequiredMixin, ListView):
    permission_required = "meetings.record_qa"
    template_name = "meetings/qa_meeting_list.html"
    context_object_name = "qa_meetings"
    paginate_by = 50

    def get_queryset(self):
        return selectors.qa_meeting_list_visible_to(user=self.request.user)


class QAMeetingCreateView(LoginRequiredMixin, PermissionRequiredMixin, ServiceFormView):
    permission_required = "meetings.record_qa"
    form_class = QAMeetingForm
    template_name = FORM_TEMPLATE
    title = "Record a QA meeting"
    success_message = "QA meeting recorded."

    def get_form_kwargs(self):
        disputes = selectors.dispute_list_visible_to(user=self.request.user).filter(
            status="open"
        )
        alerts = selectors.practice_alert_list_visible_to(user=self.request.user)
        return {
            **super().get_form_kwargs(),
            "disputes": disputes,
            "alerts": alerts,
        }

    def get_initial(self):
        return {"held_on": timezone.localdate(), "team": self.request.user.team_id}

    def call_service(self, form):
        data = form.cleaned_data
        self.created = services.qa_meeting_record(
            by=self.request.user,
            today=timezone.localdate(),
            attendees=list(data.pop("attendees")),
            **data,
        )

    def get_success_url(self):
        created = getattr(self, "created", None)
        return (
            created.get_absolute_url()
            if created
            else reverse("meetings:qa-meeting-list")
        )


class QAMeetingDetailView(LoginRequiredMixin, PermissionRequiredMixin, TemplateView):
    permission_required = "meetings.record_qa"
    template_name = "meetings/qa_meeting_detail.html"

    @cached_property
    def qa_meeting(self) -> QAMeeting | None:
        try:
            return selectors.qa_meeting_get_for_detail(
                user=self.request.user, pk=self.kwargs["pk"]
            )
        except QAMeeting.DoesNotExist:
            return None

    def get(self, request, *args, **kwargs):
        if self.qa_meeting is None:
            return out_of_scope_response(
                request, model=QAMeeting, object_id=self.kwargs["pk"]
            )
        _log_view(request, self.qa_meeting)
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["qa_meeting"] = self.qa_meeting
        context["other_attendees"] = [
            line.strip()
            for line in self.qa_meeting.other_attendees.splitlines()
            if line.strip()
        ]
        return context


# --- panel referrals -------------------------------------------------------------------


class PanelReferralListView(LoginRequiredMixin, PermissionRequiredMixin, ListView):
    permission_required = "meetings.record_qa"
    template_name = "meetings/qa_referral_list.html"
    context_object_name = "referrals"
    paginate_by = 50

    def get_queryset(self):
        return selectors.panel_referral_list_visible_to(user=self.request.user)

    def get(self, request, *args, **kwargs):
        access_log_record(
            user=request.user,
            action=AccessLog.Action.VIEW,
            model=PanelReferral,
            request=request,
            detail="panel referral list",
        )
        return super().get(request, *args, **kwargs)


class PanelReferralCreateView(OversightChildMixin, ServiceFormView):
    permission_required = "meetings.record_qa"
    form_class = PanelReferralForm
    template_name = FORM_TEMPLATE
    title = "Refer the case to a review panel"
    success_message = "Referral recorded."

    @cached_property
    def qa_meeting(self) -> QAMeeting | None:
        value = self.request.GET.get("qa", "")
        if not value.isdigit():
            return None
        return (
            selectors.qa_meeting_list_visible_to(user=self.request.user)
            .filter(pk=int(value))
            .first()
        )

    def get_initial(self):
        return {"referred_on": timezone.localdate()}

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "qa_meeting": self.qa_meeting}

    def call_service(self, form):
        services.panel_referral_make(
            child=self.child,
            by=self.request.user,
            qa_meeting=self.qa_meeting,
            today=timezone.localdate(),
            **form.cleaned_data,
        )

    def get_success_url(self):
        return reverse("meetings:panel-referral-list")


class PanelReferralOutcomeView(
    LoginRequiredMixin, PermissionRequiredMixin, ServiceFormView
):
    permission_required = "meetings.record_qa"
    form_class = PanelOutcomeForm
    template_name = FORM_TEMPLATE
    title = "Record the panel's outcome"
    success_message = "Outcome recorded."

    @cached_property
    def referral(self) -> PanelReferral | None:
        try:
            return selectors.panel_referral_get_for_change(
                user=self.request.user, pk=self.kwargs["pk"]
            )
        except PanelReferral.DoesNotExist:
            return None

    def dispatch(self, request, *args, **kwargs):
        if (
            request.user.is_authenticated
            and request.user.has_perm(self.permission_required)
            and self.referral is None
        ):
            return out_of_scope_response(
                request, model=PanelReferral, object_id=self.kwargs["pk"]
            )
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, *args, **kwargs):
        _log_view(request, self.referral)
        return super().get(request, *args, **kwargs)

    def get_initial(self):
        return {
            "outcome": self.referral.outcome,
            "outcome_on": self.referral.outcome_on or timezone.localdate(),
        }

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "referral": self.referral}

    def call_service(self, form):
        services.panel_referral_outcome_record(
            referral=self.referral, by=self.request.user, **form.cleaned_data
        )

    def get_success_url(self):
        return reverse("meetings:panel-referral-list")


# --- training themes -------------------------------------------------------------------


class TrainingThemeCreateView(
    LoginRequiredMixin, PermissionRequiredMixin, ServiceFormView
):
    """A manager tags a training need; the themes page posts here and returns."""

    permission_required = "meetings.tag_training_theme"
    form_class = TrainingThemeForm
    template_name = FORM_TEMPLATE
    title = "Tag a training need"
    success_message = "Training need tagged."

    def get_initial(self):
        return {"noted_on": timezone.localdate()}

    def call_service(self, form):
        services.training_theme_tag(by=self.request.user, **form.cleaned_data)

    def get_success_url(self):
        target = self.request.POST.get("next") or self.request.GET.get("next", "")
        if target and url_has_allowed_host_and_scheme(
            target, allowed_hosts={self.request.get_host()}
        ):
            return target
        return reverse("reporting:themes")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["next"] = self.get_success_url()
        return context
