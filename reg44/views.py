"""HTTP interface for Regulation 44: thin views over selectors and services.

Order of checks on every page about a record: the home or visit must be in the
user's scope (else a logged 404), a row of it must belong to it (404), then the
role's codename and, for writes, being the visit's own visitor (403).
"""

from __future__ import annotations

import io

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.views.generic import FormView, TemplateView, View

from accounts.models import AccessLog
from accounts.responses import out_of_scope_response
from accounts.services import access_log_record
from cases.concurrency import VersionCheckedFormMixin
from cases.errors import DomainError
from cases.selectors import clock_get
from cases.views import ServiceFormView

from . import schedule, selectors, services
from .forms import (
    ApproveForm,
    AssignmentEndForm,
    AssignmentForm,
    FollowUpForm,
    HomeFilterForm,
    HomeForm,
    OverviewFilterForm,
    PlacingAuthorityFormSet,
    ReasonForm,
    RecommendationForm,
    RecommendationResponseForm,
    VisitBookForm,
    VisitRecordForm,
)
from .models import Home, Recommendation, Visit

PAGE_SIZE = 50
FORM_TEMPLATE = "reg44/form_page.html"


def _log_view(request, *, obj=None, model=None, detail: str = "") -> None:
    access_log_record(
        user=request.user,
        action=AccessLog.Action.VIEW,
        obj=obj,
        model=model,
        request=request,
        detail=detail,
    )


def _page_name(request) -> str:
    match = getattr(request, "resolver_match", None)
    return match.view_name if match else ""


class TodayMixin:
    @cached_property
    def today(self):
        return timezone.localdate()


# --- the homes register -------------------------------------------------------------


class HomeListView(
    LoginRequiredMixin, PermissionRequiredMixin, TodayMixin, TemplateView
):
    permission_required = "reg44.view_home"
    template_name = "reg44/home_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        show_visitor = not user.has_perm("reg44.add_visit")
        form = HomeFilterForm(self.request.GET or None, show_visitor=show_visitor)
        filters = form.cleaned_data if form.is_valid() else {}
        homes = selectors.home_list_for_schedule(
            user=user,
            today=self.today,
            q=filters.get("q", "").strip(),
            visitor_id=form.visitor_id() if show_visitor else None,
            not_visited=filters.get("not_visited", False),
        )
        page = Paginator(homes, PAGE_SIZE).get_page(self.request.GET.get("page"))
        clock = clock_get()
        context.update(
            form=form,
            page_obj=page,
            rows=selectors.home_schedule_rows(
                homes=page, clock=clock, today=self.today
            ),
            month=schedule.month_start(self.today),
            month_due=clock.due("reg44_visit", self.today),
            due_soon=selectors.month_is_due_soon(clock=clock, today=self.today),
            not_visited_count=selectors.home_not_visited_count(
                user=user, today=self.today
            ),
            can_add=user.has_perm("reg44.add_home"),
            querystring=_querystring(self.request),
        )
        _log_view(self.request, model=Home, detail="homes register")
        return context


def _querystring(request) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


class HomeFormView(LoginRequiredMixin, PermissionRequiredMixin, FormView):
    """The home's details and its placing authorities, saved by one service."""

    template_name = "reg44/home_form.html"
    form_class = HomeForm
    title = ""

    def get_formset(self):
        if self.request.method == "POST":
            return PlacingAuthorityFormSet(self.request.POST, prefix="authorities")
        return PlacingAuthorityFormSet(
            prefix="authorities", initial=self.initial_authorities()
        )

    def initial_authorities(self):
        return []

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.setdefault("formset", self.get_formset())
        context["title"] = self.title
        context["cancel_url"] = self.cancel_url()
        return context

    def post(self, request, *args, **kwargs):
        form = self.get_form()
        formset = self.get_formset()
        if not (form.is_valid() and formset.is_valid()):
            return self.render_to_response(
                self.get_context_data(form=form, formset=formset)
            )
        authorities = [
            services.PlacingAuthorityInput(
                id=row.get("id"),
                name=row.get("name", ""),
                email=row.get("email", ""),
                delete=row.get("DELETE", False),
            )
            for row in formset.cleaned_data
            if row
        ]
        try:
            home = self.call_service(form, authorities)
        except DomainError as exc:
            form.add_error(None, str(exc))
            return self.render_to_response(
                self.get_context_data(form=form, formset=formset)
            )
        messages.success(request, self.success_message)
        return redirect(home)


class HomeCreateView(HomeFormView):
    permission_required = "reg44.add_home"
    title = "Register a children's home"
    success_message = "Home registered."

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "submit_label": "Register home"}

    def call_service(self, form, authorities):
        return services.home_create(
            by=self.request.user, placing_authorities=authorities, **form.cleaned_data
        )

    def cancel_url(self):
        return reverse("reg44:home-list")


class HomeScopedMixin(LoginRequiredMixin, PermissionRequiredMixin, TodayMixin):
    """Loads the home through the scope selector; out of scope is a logged 404."""

    @cached_property
    def home(self) -> Home | None:
        return selectors.home_get_for_record(
            user=self.request.user, pk=self.kwargs["pk"], today=self.today
        )

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and self.home is None:
            return out_of_scope_response(
                request, model=Home, object_id=self.kwargs["pk"]
            )
        response = super().dispatch(request, *args, **kwargs)
        if request.method == "GET" and response.status_code == 200:
            _log_view(request, obj=self.home, detail=_page_name(request))
        return response

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["home"] = self.home
        return context


class HomeUpdateView(HomeScopedMixin, HomeFormView):
    permission_required = "reg44.change_home"
    title = "Edit the home's details"
    success_message = "Home updated."

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "instance": Home.objects.get(pk=self.home.pk),
        }

    def initial_authorities(self):
        return [
            {"id": a.pk, "name": a.name, "email": a.email}
            for a in self.home.placing_authorities.all()
        ]

    def call_service(self, form, authorities):
        return services.home_update(
            home=self.home,
            by=self.request.user,
            placing_authorities=authorities,
            **form.cleaned_data,
        )

    def cancel_url(self):
        return self.home.get_absolute_url()


class HomeDetailView(HomeScopedMixin, TemplateView):
    permission_required = "reg44.view_home"
    template_name = "reg44/home_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user, home = self.request.user, self.home
        clock = clock_get()
        context.update(
            schedule_months=selectors.home_schedule(
                home=home, clock=clock, today=self.today
            ),
            recipients=selectors.home_report_recipients(home=home),
            can_change=user.has_perm("reg44.change_home"),
            can_add_visit=user.has_perm("reg44.add_visit") and home.is_open,
        )
        if user.has_perm("reg44.view_visit"):
            context["visits"] = selectors.home_visits(
                home=home, user=user, today=self.today
            )
            context["open_recommendations"] = selectors.home_open_recommendations(
                home=home
            )
        return context


class HomeRowFormView(HomeScopedMixin, ServiceFormView):
    template_name = FORM_TEMPLATE

    def get_success_url(self):
        return self.home.get_absolute_url()


class AssignmentCreateView(HomeRowFormView):
    permission_required = "reg44.change_home"
    form_class = AssignmentForm
    title = "Assign an independent visitor"
    success_message = "Visitor assigned."

    def get_initial(self):
        return {"started_on": self.today}

    def call_service(self, form):
        services.visitor_assign(
            home=self.home, by=self.request.user, **form.cleaned_data
        )


class AssignmentEndView(HomeRowFormView):
    permission_required = "reg44.change_home"
    form_class = AssignmentEndForm
    success_message = "Assignment ended."

    @cached_property
    def assignment(self):
        for row in self.home.assignments.all():
            if row.pk == self.kwargs["visitor_assignment_pk"]:
                return row
        raise Http404("No such assignment for this home.")

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and self.home is not None:
            self.assignment  # noqa: B018 - 404 before any form is shown
        return super().dispatch(request, *args, **kwargs)

    @property
    def title(self):
        return f"End {self.assignment.visitor}'s assignment"

    def get_initial(self):
        return {"ended_on": self.assignment.ended_on or self.today}

    def call_service(self, form):
        services.visitor_assignment_end(
            assignment=self.assignment, by=self.request.user, **form.cleaned_data
        )


class VisitCreateView(HomeRowFormView):
    permission_required = "reg44.add_visit"
    form_class = VisitBookForm
    title = "Book or record a visit"

    def call_service(self, form):
        data = form.cleaned_data
        self.created = services.visit_create(
            home=self.home,
            by=self.request.user,
            visit_at=data["visit_at"],
            for_month=data["for_month"],
            is_unannounced=data["is_unannounced"],
        )
        self.success_message = (
            "Visit booked."
            if self.created.status == Visit.Status.BOOKED
            else "Visit saved: now record what you found."
        )

    def get_success_url(self):
        created = getattr(self, "created", None)
        if created is None:
            return self.home.get_absolute_url()
        if created.status == Visit.Status.BOOKED:
            return created.get_absolute_url()
        return reverse("reg44:visit-update", kwargs={"pk": created.pk})


# --- one visit -------------------------------------------------------------------------


class VisitScopedMixin(LoginRequiredMixin, PermissionRequiredMixin, TodayMixin):
    """Loads the visit through the scope selector; out of scope is a logged 404.

    `rule` adds a record-level check to the codename: "change" (the visit's own
    visitor may write it), "approve" (and approve it) or "" (reading).
    """

    rule = ""

    @cached_property
    def visit(self) -> Visit | None:
        return selectors.visit_get_for_record(
            user=self.request.user, pk=self.kwargs["pk"], today=self.today
        )

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and self.visit is None:
            return out_of_scope_response(
                request, model=Visit, object_id=self.kwargs["pk"]
            )
        if request.user.is_authenticated:
            self.check_row()
        response = super().dispatch(request, *args, **kwargs)
        if request.method == "GET" and response.status_code == 200:
            self.audit(request)
        return response

    def audit(self, request) -> None:
        """Log that the user saw the visit's record (every page that shows it)."""
        _log_view(request, obj=self.visit, detail=_page_name(request))

    def check_row(self) -> None:
        """Raise Http404 when a row named in the URL is not the visit's."""

    def has_permission(self):
        if not super().has_permission():
            return False
        if self.rule == "change":
            return selectors.visit_may_change(user=self.request.user, visit=self.visit)
        if self.rule == "approve":
            return selectors.visit_may_approve(user=self.request.user, visit=self.visit)
        return True

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["visit"] = self.visit
        context["home"] = self.visit.home
        return context


class VisitDetailView(VisitScopedMixin, TemplateView):
    permission_required = "reg44.view_visit"
    template_name = "reg44/visit_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user, visit = self.request.user, self.visit
        clock = clock_get()
        follow_ups = selectors.visit_follow_up_candidates(visit=visit)
        context.update(
            follow_ups=follow_ups,
            recommendations=selectors.visit_recommendations(
                visit=visit, today=self.today
            ),
            reports=list(visit.reports.all()),
            current_report=selectors.visit_report_current(visit),
            recipients=selectors.home_report_recipients(home=visit.home),
            visit_due=clock.due("reg44_visit", visit.for_month),
            report_due=clock.due("reg44_report", visit.visit_on),
            problems=selectors.visit_approval_problems(
                visit=visit, follow_ups=follow_ups, today=self.today
            )
            if visit.status == Visit.Status.DRAFT
            else [],
            can_change=selectors.visit_may_change(user=user, visit=visit),
            can_approve=selectors.visit_may_approve(user=user, visit=visit),
            can_respond=selectors.recommendation_may_respond(user=user, visit=visit),
            today=self.today,
        )
        return context


class VisitFormView(VisitScopedMixin, ServiceFormView):
    permission_required = "reg44.change_visit"
    rule = "change"
    template_name = FORM_TEMPLATE

    def get_success_url(self):
        return self.visit.get_absolute_url()


class VisitUpdateView(VersionCheckedFormMixin, VisitFormView):
    form_class = VisitRecordForm
    title = "Record the visit"
    success_message = "Visit record saved."

    def get_versioned_record(self):
        return self.visit

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "instance": Visit.objects.get(pk=self.visit.pk),
        }

    def call_service(self, form):
        services.visit_update(
            visit=self.visit, by=self.request.user, **form.service_values()
        )


class RecommendationRowMixin:
    @cached_property
    def recommendation(self) -> Recommendation:
        for row in self.visit.recommendations.all():
            if row.pk == self.kwargs["reg44_recommendation_pk"]:
                return row
        raise Http404("No such recommendation for this visit.")

    def check_row(self) -> None:
        self.recommendation  # noqa: B018


class RecommendationCreateView(VisitFormView):
    form_class = RecommendationForm
    title = "Add a recommendation"
    success_message = "Recommendation added."

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "submit_label": "Add recommendation"}

    def call_service(self, form):
        services.recommendation_add(
            visit=self.visit, by=self.request.user, **form.cleaned_data
        )


class RecommendationUpdateView(
    VersionCheckedFormMixin, RecommendationRowMixin, VisitFormView
):
    form_class = RecommendationForm
    success_message = "Recommendation saved."

    def get_versioned_record(self):
        return self.recommendation

    @property
    def title(self):
        return f"Edit recommendation {self.recommendation.number}"

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "instance": Recommendation.objects.get(pk=self.recommendation.pk),
        }

    def call_service(self, form):
        services.recommendation_update(
            recommendation=self.recommendation,
            by=self.request.user,
            **form.cleaned_data,
        )


class RecommendationDeleteView(RecommendationRowMixin, VisitScopedMixin, View):
    permission_required = "reg44.change_visit"
    rule = "change"

    def post(self, request, *args, **kwargs):
        try:
            services.recommendation_delete(
                recommendation=self.recommendation, by=request.user
            )
        except DomainError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, "Recommendation removed.")
        return redirect(self.visit)


class RecommendationResponseView(RecommendationRowMixin, VisitFormView):
    rule = ""
    form_class = RecommendationResponseForm
    success_message = "Provider's response recorded."

    @property
    def title(self):
        return f"The provider's response to recommendation {self.recommendation.number}"

    def has_permission(self):
        return super().has_permission() and selectors.recommendation_may_respond(
            user=self.request.user, visit=self.visit
        )

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "instance": Recommendation.objects.get(pk=self.recommendation.pk),
        }

    def call_service(self, form):
        services.recommendation_record_response(
            recommendation=self.recommendation,
            by=self.request.user,
            **form.cleaned_data,
        )


class FollowUpView(VisitFormView):
    form_class = FollowUpForm
    template_name = "reg44/follow_up_form.html"
    title = "Follow up earlier recommendations"
    success_message = "Follow-up saved."

    @cached_property
    def candidates(self):
        return selectors.visit_follow_up_candidates(visit=self.visit)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "recommendations": self.candidates}

    def call_service(self, form):
        services.follow_ups_record(
            visit=self.visit, by=self.request.user, outcomes=form.outcomes()
        )


class VisitApproveView(VisitFormView):
    permission_required = "reg44.approve_visit_report"
    rule = "approve"
    form_class = ApproveForm
    template_name = "reg44/visit_approve.html"
    title = "Approve and send the report"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        follow_ups = selectors.visit_follow_up_candidates(visit=self.visit)
        context.update(
            problems=selectors.visit_approval_problems(
                visit=self.visit, follow_ups=follow_ups, today=self.today
            ),
            recipients=selectors.home_report_recipients(home=self.visit.home),
            report_due=clock_get().due("reg44_report", self.visit.visit_on),
        )
        return context

    def call_service(self, form):
        report = services.visit_report_approve(visit=self.visit, by=self.request.user)
        self.success_message = (
            f"Report version {report.version} approved: its PDF is being prepared "
            "and sent to the recipients."
        )


class VisitAmendView(VisitFormView):
    form_class = ReasonForm
    title = "Amend the approved report"
    success_message = "The report is a draft again; approve it to send a new version."

    def call_service(self, form):
        services.visit_report_amend(
            visit=self.visit, by=self.request.user, **form.cleaned_data
        )


class ReportRowMixin:
    @cached_property
    def report(self):
        for row in self.visit.reports.all():
            if row.version == self.kwargs["report_version"]:
                return row
        raise Http404("No such version of this report.")

    def check_row(self) -> None:
        self.report  # noqa: B018


class ReportPdfView(ReportRowMixin, VisitScopedMixin, View):
    permission_required = "reg44.view_visit"

    def audit(self, request) -> None:
        access_log_record(
            user=request.user,
            action=AccessLog.Action.EXPORT,
            obj=self.visit,
            request=request,
            detail=f"Report version {self.report.version} PDF",
        )

    def get(self, request, *args, **kwargs):
        report = self.report
        filename = (
            f"reg44-report-{self.visit.home.urn}-{self.visit.visit_on:%Y-%m-%d}"
            f"-v{report.version}.pdf"
        )
        if selectors.visit_report_is_rendered(report):
            pdf = report.pdf.open("rb")
        else:
            # Not rendered yet (its task is queued, or a demo version): the same
            # PDF, made from the fixed content for this download only.
            pdf = io.BytesIO(selectors.visit_report_pdf_bytes(report=report))
        return FileResponse(
            pdf, as_attachment=True, filename=filename, content_type="application/pdf"
        )


class ReportDistributeView(ReportRowMixin, VisitScopedMixin, View):
    permission_required = "reg44.approve_visit_report"
    rule = "approve"

    def post(self, request, *args, **kwargs):
        try:
            created = services.visit_report_distribute(
                report=self.report, by=request.user
            )
        except DomainError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(
                request, f"Sending to {len(created)} more recipient(s) requested."
            )
        return redirect(self.visit)


class SendingResendView(VisitScopedMixin, View):
    permission_required = "reg44.approve_visit_report"
    rule = "approve"

    @cached_property
    def sending(self):
        for report in self.visit.reports.all():
            for row in report.sendings.all():
                if row.pk == self.kwargs["reg44_sending_pk"]:
                    return row
        raise Http404("No such sending for this visit.")

    def check_row(self) -> None:
        self.sending  # noqa: B018

    def post(self, request, *args, **kwargs):
        try:
            services.report_sending_resend(sending=self.sending, by=request.user)
        except DomainError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(
                request, f"Sending to {self.sending.recipient_email} queued again."
            )
        return redirect(self.visit)


# --- the overview for managers ------------------------------------------------------


class OverviewView(
    LoginRequiredMixin, PermissionRequiredMixin, TodayMixin, TemplateView
):
    permission_required = "reg44.view_reg44_overview"
    template_name = "reg44/overview.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = OverviewFilterForm(self.request.GET or None)
        homes = selectors.overview_home_list(
            user=self.request.user, today=self.today, visitor_id=form.visitor_id()
        )
        page = Paginator(homes, PAGE_SIZE).get_page(self.request.GET.get("page"))
        clock = clock_get()
        context.update(
            form=form,
            page_obj=page,
            overview=selectors.reg44_overview(
                homes=page.object_list, clock=clock, today=self.today
            ),
            indicators=selectors.reg44_indicators(
                homes=homes, clock=clock, today=self.today
            ),
            overdue_recommendations=selectors.recommendations_overdue_count(
                homes=homes, today=self.today
            ),
            querystring=_querystring(self.request),
        )
        _log_view(self.request, model=Home, detail="Regulation 44 overview")
        return context
