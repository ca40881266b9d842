"""Writing, approving and distributing the chair's report: thin views over services.

Order of checks on every page: the meeting must be in scope (a logged 404), the
version or sending must belong to it (404), then the role rule (403).
"""

from __future__ import annotations

from django.contrib import messages
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.functional import cached_property
from django.views.generic import FormView, TemplateView, View

from accounts.models import AccessLog
from accounts.services import access_log_record
from cases.errors import DomainError
from cases.views import ServiceFormView

from .. import selectors, services
from ..forms.records import (
    ApproveForm,
    ChairReportForm,
    DistributionForm,
    ReasonForm,
)
from ..models import ChairReport, Distribution, Meeting, Participant
from .base import MeetingScopedMixin, related_row

# --- views -------------------------------------------------------------------------

RULES = {
    "read": (selectors.chair_report_may_read, "meetings.view_meeting"),
    "write": (selectors.chair_report_may_write, "meetings.chair_meeting"),
    "approve": (selectors.chair_report_may_approve, "meetings.approve_record"),
    "distribute": (selectors.chair_report_may_distribute, "meetings.distribute_record"),
}


class RecordMixin(MeetingScopedMixin):
    """A page about a meeting's record; `rule` names who may use it (RULES)."""

    rule = "read"

    def get_permission_required(self):
        return (RULES[self.rule][1],)

    @cached_property
    def meeting(self) -> Meeting | None:
        try:
            return selectors.record_meeting_get(
                user=self.request.user, pk=self.kwargs["pk"]
            )
        except Meeting.DoesNotExist:
            return None

    @cached_property
    def reports(self) -> list[ChairReport]:
        return list(selectors.chair_report_list_for_meeting(meeting=self.meeting))

    @cached_property
    def report(self) -> ChairReport:
        return related_row(self.reports, self.kwargs["report_pk"])

    @cached_property
    def distribution(self) -> Distribution:
        return get_object_or_404(
            selectors.distribution_list_for_meeting(meeting=self.meeting),
            pk=self.kwargs["distribution_pk"],
        )

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and self.meeting is not None:
            # A version or sending of another meeting answers 404 before any 403.
            if "report_pk" in kwargs:
                self.report  # noqa: B018
            if "distribution_pk" in kwargs:
                self.distribution  # noqa: B018
        return super().dispatch(request, *args, **kwargs)

    def has_permission(self):
        rule = RULES[self.rule][0]
        return super().has_permission() and rule(
            user=self.request.user, meeting=self.meeting
        )

    def get_success_url(self):
        return self.meeting.get_absolute_url()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["cancel_url"] = self.meeting.get_absolute_url()
        return context


def _url(name: str, meeting: Meeting, **kwargs) -> str:
    return reverse(f"meetings:{name}", kwargs={"pk": meeting.pk, **kwargs})


class RecordStartView(RecordMixin, View):
    rule = "write"

    def post(self, request, *args, **kwargs):
        try:
            report = services.chair_report_start(meeting=self.meeting, by=request.user)
        except DomainError as exc:
            messages.error(request, str(exc))
            return redirect(self.meeting)
        messages.success(request, "Version 1 of the record started.")
        return redirect(_url("record-edit", self.meeting, report_pk=report.pk))


class RecordEditView(RecordMixin, FormView):
    rule = "write"
    form_class = ChairReportForm
    template_name = "meetings/records/record_edit.html"

    def get(self, request, *args, **kwargs):
        if self.report.status != ChairReport.Status.DRAFT:
            messages.info(request, "Only a draft can be edited.")
            return redirect(
                _url("record-detail", self.meeting, report_pk=self.report.pk)
            )
        return super().get(request, *args, **kwargs)

    def get_initial(self):
        initial = {
            name: getattr(self.report, name) for name in selectors.CONTENT_FIELDS
        }
        return {**initial, "lock_version": self.report.lock_version}

    def form_valid(self, form):
        data = dict(form.cleaned_data)
        expected = data.pop("lock_version")
        try:
            services.chair_report_save(
                report=self.report,
                by=self.request.user,
                expected_lock_version=expected,
                **data,
            )
        except services.ConflictError as exc:
            # Keep what was typed; the next save replaces the text saved meanwhile.
            retry = self.get_form_class()(
                data={**self.request.POST.dict(), "lock_version": exc.lock_version}
            )
            context = self.get_context_data(form=retry, conflict=exc)
            return self.render_to_response(context, status=409)
        except DomainError as exc:
            form.add_error(None, str(exc))
            return self.form_invalid(form)
        messages.success(self.request, f"Version {self.report.version} saved.")
        if "save_continue" in self.request.POST:
            return redirect(_url("record-edit", self.meeting, report_pk=self.report.pk))
        return redirect(self.meeting)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["report"] = self.report
        conflict = kwargs.get("conflict")
        if conflict is not None:
            form = context["form"]
            context["conflict_rows"] = [
                (form[name].label, conflict.current[name], form[name].value())
                for name in selectors.CONTENT_FIELDS
            ]
        return context


class RecordSubmitView(RecordMixin, View):
    rule = "write"

    def post(self, request, *args, **kwargs):
        try:
            services.chair_report_submit(report=self.report, by=request.user)
        except DomainError as exc:
            messages.error(request, str(exc))
            return redirect(_url("record-edit", self.meeting, report_pk=self.report.pk))
        messages.success(
            request, f"Version {self.report.version} submitted for approval."
        )
        return redirect(self.meeting)


class RecordDetailView(RecordMixin, TemplateView):
    template_name = "meetings/records/record_detail.html"

    def get(self, request, *args, **kwargs):
        access_log_record(
            user=request.user,
            action=AccessLog.Action.VIEW,
            obj=self.report,
            request=request,
        )
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["report"] = self.report
        context["content"] = selectors.chair_report_pdf_context(
            report_id=self.report.pk
        )
        return context


class _ReportFormView(RecordMixin, ServiceFormView):
    """A form about one version that calls one service, showing DomainErrors."""

    template_name = "meetings/records/record_form.html"
    submit_label = "Save"
    wanted_status = ""

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "submit_label": self.submit_label}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["title"] = f"{self.title}: version {self.report.version}"
        context["report"] = self.report
        context["is_actionable"] = self.report.status == self.wanted_status
        return context


class RecordApproveView(_ReportFormView):
    rule = "approve"
    form_class = ApproveForm
    title = "Approve the record"
    submit_label = "Approve this version"
    wanted_status = ChairReport.Status.SUBMITTED
    template_name = "meetings/records/record_approve.html"

    def call_service(self, form):
        services.chair_report_approve(report=self.report, by=self.request.user)
        self.success_message = f"Version {self.report.version} approved."

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["content"] = selectors.chair_report_pdf_context(
            report_id=self.report.pk
        )
        return context


class RecordReturnView(_ReportFormView):
    rule = "approve"
    form_class = ReasonForm
    title = "Return the record to draft"
    submit_label = "Return to draft"
    wanted_status = ChairReport.Status.SUBMITTED

    def call_service(self, form):
        services.chair_report_return_to_draft(
            report=self.report, by=self.request.user, **form.cleaned_data
        )
        self.success_message = f"Version {self.report.version} returned to draft."


class RecordAmendView(_ReportFormView):
    rule = "write"
    form_class = ReasonForm
    title = "Amend the record"
    submit_label = "Start an amended version"
    wanted_status = ChairReport.Status.APPROVED

    def call_service(self, form):
        self.amended = services.chair_report_amend(
            report=self.report, by=self.request.user, **form.cleaned_data
        )
        self.success_message = (
            f"Version {self.amended.version} started from version "
            f"{self.report.version}."
        )

    def get_success_url(self):
        amended = getattr(self, "amended", None)
        if amended is None:
            return super().get_success_url()
        return _url("record-edit", self.meeting, report_pk=amended.pk)


class RecordRenderView(RecordMixin, View):
    rule = "approve"

    def post(self, request, *args, **kwargs):
        try:
            services.chair_report_render_request(report=self.report, by=request.user)
        except DomainError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, "The PDFs are being prepared.")
        return redirect(self.meeting)


class _DownloadView(RecordMixin, View):
    document = Distribution.Document.RECORD

    def get(self, request, *args, **kwargs):
        report = self.report
        is_letter = self.document == Distribution.Document.LETTER
        field = report.letter_pdf if is_letter else report.pdf
        if not field.name or not field.storage.exists(field.name):
            raise Http404("This PDF has not been prepared.")
        access_log_record(
            user=request.user,
            action=AccessLog.Action.EXPORT,
            obj=report,
            request=request,
            detail=f"Downloaded {'letter' if is_letter else 'record'} PDF, version {report.version}",
        )
        name = f"{self.meeting.child.la_child_id}-{'letter' if is_letter else 'review-record'}-v{report.version}.pdf"
        return FileResponse(
            field.open("rb"),
            as_attachment=True,
            filename=name,
            content_type="application/pdf",
        )


class RecordPdfView(_DownloadView):
    document = Distribution.Document.RECORD


class RecordLetterPdfView(_DownloadView):
    document = Distribution.Document.LETTER


class RecordVersionsView(RecordMixin, TemplateView):
    template_name = "meetings/records/record_versions.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["reports"] = self.reports
        return context


class RecordDistributeView(RecordMixin, FormView):
    rule = "distribute"
    form_class = DistributionForm
    template_name = "meetings/records/record_distribute.html"

    @cached_property
    def current(self) -> ChairReport | None:
        return next((r for r in self.reports if r.status == "approved"), None)

    @cached_property
    def participants(self) -> list[Participant]:
        return selectors.distribution_recipient_choices(meeting=self.meeting)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "participants": self.participants}

    def get_initial(self):
        return {"record_to": [str(p.pk) for p in self.participants]}

    def post(self, request, *args, **kwargs):
        if self.current is None:
            messages.error(request, "There is no approved version to send.")
            return redirect(self.meeting)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        try:
            rows = services.distribution_request(
                report=self.current, by=self.request.user, recipients=form.recipients()
            )
        except DomainError as exc:
            form.add_error(None, str(exc))
            return self.form_invalid(form)
        messages.success(
            self.request,
            f"Version {self.current.version}: {len(rows)} sending(s) recorded; "
            "emails are being sent.",
        )
        return redirect(_url("record-ledger", self.meeting))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["report"] = self.current
        return context


class RecordLedgerView(RecordMixin, TemplateView):
    template_name = "meetings/records/record_ledger.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["rows"] = selectors.distribution_list_for_meeting(meeting=self.meeting)
        context["may_distribute"] = selectors.chair_report_may_distribute(
            user=self.request.user, meeting=self.meeting
        )
        return context


class _DistributionActionView(RecordMixin, View):
    rule = "distribute"
    success_message = ""

    def post(self, request, *args, **kwargs):
        try:
            self.call_service()
        except DomainError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, self.success_message)
        return redirect(_url("record-ledger", self.meeting))


class DistributionResendView(_DistributionActionView):
    success_message = "Sending again."

    def call_service(self):
        services.distribution_resend(
            distribution=self.distribution, by=self.request.user
        )


class DistributionMarkSentView(_DistributionActionView):
    success_message = "Recorded as sent."

    def call_service(self):
        services.distribution_mark_sent(
            distribution=self.distribution, by=self.request.user
        )
