"""HTTP interface for LADO allegations: thin views over selectors and services.

Order of checks on every page about an allegation: it must be visible to the user
(otherwise a logged 404, as for a record that does not exist), a row named in the
URL must belong to it (404), then the action needs its permission (403). Every
page shown about an allegation is written to the access log.
"""

from __future__ import annotations

import csv

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.views.generic import ListView, TemplateView, View

from accounts.models import AccessLog
from accounts.responses import out_of_scope_response
from accounts.services import access_log_record
from cases.concurrency import VersionCheckedFormMixin
from cases.errors import DomainError
from cases.selectors import clock_get
from cases.views import ServiceFormView

from . import codes, selectors, services, workflow
from .forms import (
    ActionCompleteForm,
    ActionForm,
    AllegationFilterForm,
    AttendeeForm,
    CloseForm,
    DecisionForm,
    DistributeForm,
    InvolvedChildForm,
    ManagementForm,
    MeetingForm,
    OutcomeForm,
    PeriodForm,
    ReasonForm,
    ReferralForm,
)
from .models import Allegation, AllegationMeeting

CHANGE = "lado.change_allegation"


def _row(rows, pk):
    """Return the row of this allegation with `pk`, or 404 (never another's row)."""
    for row in rows:
        if row.pk == pk:
            return row
    raise Http404("No such record for this allegation.")


# --- lists -----------------------------------------------------------------------------


class AllegationListView(LoginRequiredMixin, PermissionRequiredMixin, ListView):
    permission_required = "lado.view_allegation"
    template_name = "lado/allegation_list.html"
    context_object_name = "allegations"
    paginate_by = 25
    mine = False
    title = "Allegations"

    @cached_property
    def filter_form(self) -> AllegationFilterForm:
        form = AllegationFilterForm(self.request.GET or None)
        form.is_valid()
        return form

    def get_queryset(self):
        data = getattr(self.filter_form, "cleaned_data", {})
        return selectors.allegation_list_search(
            user=self.request.user,
            today=timezone.localdate(),
            mine=self.mine,
            status=data.get("status", ""),
            sector=data.get("sector", ""),
            overdue_decision=data.get("overdue", False),
            q=data.get("q", ""),
            setting=data.get("setting", ""),
        )

    def get(self, request, *args, **kwargs):
        terms = {k: v for k, v in request.GET.items() if k != "page" and v}
        access_log_record(
            user=request.user,
            action=AccessLog.Action.SEARCH if terms else AccessLog.Action.VIEW,
            model=Allegation,
            request=request,
            detail=str(terms) if terms else self.title,
        )
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["filter_form"] = self.filter_form
        context["title"] = self.title
        context["mine"] = self.mine
        return context


class MyAllegationListView(AllegationListView):
    permission_required = "lado.add_allegation"
    mine = True
    title = "My allegations"


class AllegationCreateView(
    LoginRequiredMixin, PermissionRequiredMixin, ServiceFormView
):
    permission_required = "lado.add_allegation"
    form_class = ReferralForm
    template_name = "lado/form_page.html"
    title = "Log a contact or referral"

    def call_service(self, form):
        self.created = services.allegation_create(
            by=self.request.user, **form.service_kwargs()
        )

    def get_success_url(self):
        created = getattr(self, "created", None)
        if created is None:
            return reverse("lado:my-allegations")
        return created.get_absolute_url()

    def form_valid(self, form):
        response = super().form_valid(form)
        created = getattr(self, "created", None)
        if created is not None:
            messages.success(self.request, f"{created.reference} logged.")
        return response


# --- one allegation -----------------------------------------------------------------------


class AllegationScopedMixin(LoginRequiredMixin, PermissionRequiredMixin):
    """Loads the allegation through the scope selector; out of scope is a logged 404."""

    permission_required = "lado.view_allegation"

    @cached_property
    def allegation(self) -> Allegation | None:
        try:
            return selectors.allegation_get_for_detail(
                user=self.request.user, pk=self.kwargs["pk"]
            )
        except Allegation.DoesNotExist:
            return None

    def check_rows(self) -> None:
        """Raise 404 if a row named in the URL is not this allegation's."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and self.allegation is None:
            return out_of_scope_response(
                request, model=Allegation, object_id=self.kwargs["pk"]
            )
        if request.user.is_authenticated:
            self.check_rows()
        response = super().dispatch(request, *args, **kwargs)
        if request.method == "GET" and response.status_code == 200:
            access_log_record(
                user=request.user,
                action=AccessLog.Action.VIEW,
                obj=self.allegation,
                request=request,
                detail=request.resolver_match.url_name
                if request.resolver_match
                else "",
            )
        return response

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["allegation"] = self.allegation
        return context


class AllegationFormView(AllegationScopedMixin, ServiceFormView):
    """A form about one allegation that calls one service and returns to it.

    `statuses` names the statuses the step applies to; at any other, the form is
    not shown and the user returns to the allegation with a note why.
    """

    permission_required = CHANGE
    template_name = "lado/form_page.html"
    statuses: frozenset[str] | None = None
    not_now = ""

    def get(self, request, *args, **kwargs):
        if self.statuses is not None and self.allegation.status not in self.statuses:
            messages.info(
                request,
                f"{self.not_now} This allegation is "
                f"{self.allegation.get_status_display().lower()}.",
            )
            return redirect(self.allegation)
        return super().get(request, *args, **kwargs)

    def get_success_url(self):
        return self.allegation.get_absolute_url()


class MeetingMixin:
    """A page about one meeting of the allegation (404 for another's meeting)."""

    @cached_property
    def meeting(self) -> AllegationMeeting:
        return _row(self.allegation.meetings.all(), self.kwargs["lado_meeting_pk"])

    def check_rows(self):
        self.meeting  # noqa: B018

    def get_success_url(self):
        return self.meeting.get_absolute_url()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["meeting"] = self.meeting
        return context


class AllegationDetailView(AllegationScopedMixin, TemplateView):
    template_name = "lado/allegation_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        allegation = self.allegation
        today = timezone.localdate()
        user = self.request.user
        context.update(
            {
                "clock_items": selectors.allegation_clock_items(
                    allegation=allegation, clock=clock_get()
                ),
                "employer_referral": selectors.allegation_employer_referral(
                    allegation=allegation
                ),
                "duration": selectors.allegation_duration(
                    allegation=allegation, today=today
                ),
                "timeline": selectors.allegation_timeline(allegation=allegation),
                "retention": selectors.allegation_retention(
                    allegation=allegation, today=today
                ),
                "same_setting_count": selectors.setting_other_allegation_count(
                    allegation=allegation
                ),
                "matches": list(allegation.matches.all()),
                "decision_overdue": selectors.allegation_is_decision_overdue(
                    allegation=allegation, today=today
                ),
                "can_change": selectors.allegation_may_change(user=user),
                "can_hold": user.has_perm("lado.manage_retention"),
                "is_managed": allegation.status in workflow.MANAGED_STATUSES,
                "is_awaiting": allegation.status == codes.Status.AWAITING_DECISION,
                "is_outcome_recorded": allegation.status
                == codes.Status.OUTCOME_RECORDED,
                "outcome_definition": codes.OUTCOME_DEFINITIONS.get(allegation.outcome),
            }
        )
        return context


class AllegationUpdateView(VersionCheckedFormMixin, AllegationFormView):
    form_class = ReferralForm
    title = "Correct the referral"
    success_message = "Referral updated."

    def get_versioned_record(self):
        return self.allegation

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "instance": Allegation.objects.get(pk=self.allegation.pk),
            "with_child": False,
            "submit_label": "Save",
        }

    def call_service(self, form):
        services.allegation_update(
            allegation=self.allegation, by=self.request.user, **form.service_kwargs()
        )


class InvolvedChildCreateView(AllegationFormView):
    form_class = InvolvedChildForm
    title = "Add a child involved"
    success_message = "Child added."

    def call_service(self, form):
        services.involved_child_add(
            allegation=self.allegation, by=self.request.user, entry=form.entry()
        )


class PostOnlyView(AllegationScopedMixin, View):
    """A button on a page: `act(request)` takes the step and returns what to say."""

    permission_required = CHANGE

    def post(self, request, *args, **kwargs):
        try:
            message = self.act(request)
        except DomainError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, message)
        return redirect(self.get_success_url())

    def get_success_url(self):
        return self.allegation.get_absolute_url()


class InvolvedChildDeleteView(PostOnlyView):
    def check_rows(self):
        self.row = _row(self.allegation.children.all(), self.kwargs["lado_child_pk"])

    def act(self, request):
        services.involved_child_remove(row=self.row, by=request.user)
        return "Child removed from this allegation."


class SubjectMatchDecideView(PostOnlyView):
    def check_rows(self):
        self.match = _row(self.allegation.matches.all(), self.kwargs["lado_match_pk"])

    def act(self, request):
        confirmed = request.POST.get("confirmed") == "yes"
        services.subject_match_decide(
            match=self.match, by=request.user, confirmed=confirmed
        )
        return (
            "Confirmed: the same adult as the earlier allegation."
            if confirmed
            else "Rejected: a different adult."
        )


class DecisionView(AllegationFormView):
    form_class = DecisionForm
    template_name = "lado/allegation_decide.html"
    title = "Initial consideration"
    success_message = "Decision recorded."
    statuses = frozenset({codes.Status.AWAITING_DECISION})
    not_now = "The initial consideration has been recorded."

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["decision_due"] = clock_get().due(
            "lado_decision", self.allegation.received_on
        )
        context["criteria"] = codes.HarmCriterion.choices
        return context

    def call_service(self, form):
        data = form.cleaned_data
        services.allegation_decide(
            allegation=self.allegation,
            by=self.request.user,
            decision=data["decision"],
            decided_on=data["decided_on"],
            harm_criteria=data["harm_criteria"],
            rationale=data["rationale"],
            delay_reason=data["delay_reason"],
        )


class ManagementView(AllegationFormView):
    form_class = ManagementForm
    title = "Police, social care, the employer and interim measures"
    success_message = "Management record saved."

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "instance": Allegation.objects.get(pk=self.allegation.pk),
        }

    def call_service(self, form):
        services.allegation_manage(
            allegation=self.allegation, by=self.request.user, **form.cleaned_data
        )


class MeetingCreateView(AllegationFormView):
    form_class = MeetingForm
    title = "Record a meeting"
    success_message = "Meeting recorded."

    def call_service(self, form):
        data = dict(form.cleaned_data)
        self.created = services.meeting_record(
            allegation=self.allegation, by=self.request.user, **data
        )

    def get_success_url(self):
        created = getattr(self, "created", None)
        return created.get_absolute_url() if created else super().get_success_url()


class MeetingDetailView(MeetingMixin, AllegationScopedMixin, TemplateView):
    template_name = "lado/meeting_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        versions = list(self.meeting.minutes_versions.all())
        context["versions"] = versions
        context["latest"] = versions[0] if versions else None
        context["can_change"] = selectors.allegation_may_change(user=self.request.user)
        context["is_managed"] = self.allegation.status in workflow.MANAGED_STATUSES
        context["today"] = today = timezone.localdate()
        context["overdue_action_ids"] = selectors.meeting_overdue_action_ids(
            meeting=self.meeting, today=today
        )
        return context


class MeetingUpdateView(VersionCheckedFormMixin, MeetingMixin, AllegationFormView):
    form_class = MeetingForm
    title = "Edit the meeting and its minutes"
    success_message = "Meeting updated."

    def get_versioned_record(self):
        return self.meeting

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs.update(with_attendees=False, submit_label="Save")
        if self.request.method == "GET":
            m = self.meeting
            kwargs["initial"] = {
                "kind": m.kind,
                "held_on": m.held_on,
                "venue": m.venue,
                "discussion": m.discussion,
                "decisions": m.decisions,
            }
        return kwargs

    def call_service(self, form):
        services.meeting_update(
            meeting=self.meeting, by=self.request.user, **form.cleaned_data
        )


class AttendeeCreateView(MeetingMixin, AllegationFormView):
    form_class = AttendeeForm
    title = "Add an attendee"
    success_message = "Attendee added."

    def call_service(self, form):
        services.attendee_add(
            meeting=self.meeting, by=self.request.user, entry=form.entry()
        )


class ActionCreateView(MeetingMixin, AllegationFormView):
    form_class = ActionForm
    title = "Add an action"
    success_message = "Action added."

    def call_service(self, form):
        services.action_create(
            meeting=self.meeting, by=self.request.user, **form.cleaned_data
        )


class ActionCompleteView(PostOnlyView):
    def check_rows(self):
        self.action = _row(self.allegation.actions.all(), self.kwargs["lado_action_pk"])

    def act(self, request):
        form = ActionCompleteForm(request.POST)
        if not form.is_valid():
            raise DomainError("Give the date the action was done (not in the future).")
        services.action_complete(
            action=self.action, by=request.user, **form.cleaned_data
        )
        return "Action marked done."

    def get_success_url(self):
        return reverse(
            "lado:meeting-detail",
            kwargs={
                "pk": self.allegation.pk,
                "lado_meeting_pk": self.action.meeting_id,
            },
        )


class MinutesIssueView(MeetingMixin, PostOnlyView):
    def act(self, request):
        minutes = services.minutes_issue(meeting=self.meeting, by=request.user)
        return f"Minutes issued as version {minutes.version}."


class MinutesMixin(MeetingMixin):
    @cached_property
    def minutes(self):
        minutes = selectors.minutes_get_for_meeting(
            meeting=self.meeting, pk=self.kwargs["lado_minutes_pk"]
        )
        if minutes is None:
            raise Http404("No such version of these minutes.")
        return minutes

    def check_rows(self):
        self.minutes  # noqa: B018


class MinutesPdfView(MinutesMixin, AllegationScopedMixin, View):
    def get(self, request, *args, **kwargs):
        from cases.pdf import render_pdf  # WeasyPrint is heavy: load it only here

        pdf = render_pdf(
            "pdf/lado_minutes.html",
            selectors.minutes_pdf_context(minutes_id=self.minutes.pk),
        )
        access_log_record(
            user=request.user,
            action=AccessLog.Action.EXPORT,
            obj=self.allegation,
            request=request,
            detail=f"Minutes of {self.meeting}, version {self.minutes.version}",
        )
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = (
            f'attachment; filename="{self.allegation.reference}-minutes-'
            f'v{self.minutes.version}.pdf"'
        )
        return response


class MinutesDistributeView(MinutesMixin, AllegationFormView):
    form_class = DistributeForm
    template_name = "lado/minutes_distribute.html"
    title = "Send the minutes"
    success_message = "The minutes are being sent."

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "meeting": self.meeting}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["minutes"] = self.minutes
        return context

    def call_service(self, form):
        services.minutes_distribute(
            minutes=self.minutes,
            by=self.request.user,
            attendees=list(form.cleaned_data["attendees"]),
        )


class MinutesResendView(MinutesMixin, PostOnlyView):
    def check_rows(self):
        super().check_rows()
        self.row = _row(
            self.minutes.distributions.all(), self.kwargs["lado_distribution_pk"]
        )

    def act(self, request):
        services.minutes_resend(row=self.row, by=request.user)
        return f"Sending to {self.row.recipient_name} again."


class OutcomeView(AllegationFormView):
    form_class = OutcomeForm
    template_name = "lado/allegation_outcome.html"
    title = "Record the outcome"
    success_message = "Outcome recorded."
    statuses = workflow.MANAGED_STATUSES
    not_now = "The outcome is recorded while the harm test is met and the case open."

    def get_initial(self):
        a = self.allegation
        if not a.outcome:
            return {}
        return {
            "outcome": a.outcome,
            "outcome_on": a.outcome_on,
            "employer_actions": a.employer_actions,
            "dbs_referred": a.dbs_referred,
            "dbs_referred_on": a.dbs_referred_on,
            "regulator_referrals": a.regulator_referrals,
            "outcome_notes": a.outcome_notes,
        }

    def call_service(self, form):
        services.allegation_record_outcome(
            allegation=self.allegation, by=self.request.user, **form.cleaned_data
        )


class CloseView(AllegationFormView):
    form_class = CloseForm
    title = "Close the case"
    success_message = "Case closed."
    statuses = frozenset({codes.Status.OUTCOME_RECORDED})
    not_now = "A case is closed once its outcome is recorded."

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "one_month_due_on": self.allegation.one_month_due_on,
        }

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["duration"] = selectors.allegation_duration(
            allegation=self.allegation, today=timezone.localdate()
        )
        return context

    def call_service(self, form):
        services.allegation_close(
            allegation=self.allegation, by=self.request.user, **form.cleaned_data
        )


class LegalHoldPlaceView(AllegationFormView):
    permission_required = "lado.manage_retention"
    form_class = ReasonForm
    title = "Place a legal hold"
    success_message = "Legal hold placed: disposal is blocked."

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "submit_label": "Place the hold"}

    def call_service(self, form):
        services.legal_hold_place(
            allegation=self.allegation,
            by=self.request.user,
            reason=form.cleaned_data["reason"],
        )


class LegalHoldLiftView(LegalHoldPlaceView):
    title = "Lift the legal hold"
    success_message = "Legal hold lifted."

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "submit_label": "Lift the hold"}

    def call_service(self, form):
        services.legal_hold_lift(
            allegation=self.allegation,
            by=self.request.user,
            reason=form.cleaned_data["reason"],
        )


# --- figures and patterns ------------------------------------------------------------------


class FiguresMixin(LoginRequiredMixin, PermissionRequiredMixin):
    permission_required = "lado.view_lado_figures"

    @cached_property
    def period_form(self) -> PeriodForm:
        start, end = workflow.last_financial_year(timezone.localdate())
        form = PeriodForm(self.request.GET or {"start": start, "end": end})
        if not form.is_valid():
            form.fallback = (start, end)
        return form

    @property
    def period(self):
        form = self.period_form
        if form.is_valid():
            return form.cleaned_data["start"], form.cleaned_data["end"]
        return form.fallback


class FiguresView(FiguresMixin, TemplateView):
    template_name = "lado/figures.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        start, end = self.period
        figures = selectors.lado_figures(start=start, end=end)
        context["figures"] = figures
        context["chart_data"] = figures.chart_data()
        context["period_form"] = self.period_form
        context["csv_query"] = f"start={start.isoformat()}&end={end.isoformat()}"
        access_log_record(
            user=self.request.user,
            action=AccessLog.Action.VIEW,
            model=Allegation,
            request=self.request,
            detail=f"LADO figures {start.isoformat()} to {end.isoformat()}",
        )
        return context


class FiguresCsvView(FiguresMixin, View):
    def get(self, request, *args, **kwargs):
        start, end = self.period
        figures = selectors.lado_figures(start=start, end=end)
        access_log_record(
            user=request.user,
            action=AccessLog.Action.EXPORT,
            model=Allegation,
            request=request,
            detail=f"LADO figures {start.isoformat()} to {end.isoformat()}",
        )
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = (
            f'attachment; filename="lado-figures-{start.isoformat()}-'
            f'{end.isoformat()}.csv"'
        )
        csv.writer(response).writerows(selectors.lado_figures_csv_rows(figures))
        return response


class PatternsView(LoginRequiredMixin, PermissionRequiredMixin, TemplateView):
    permission_required = "lado.view_lado_figures"
    template_name = "lado/patterns.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["patterns"] = selectors.employer_patterns()
        access_log_record(
            user=self.request.user,
            action=AccessLog.Action.VIEW,
            model=Allegation,
            request=self.request,
            detail="Employer and setting patterns",
        )
        return context
