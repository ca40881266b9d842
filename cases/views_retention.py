"""The retention schedule, the review of records due for disposal, legal holds and
disposal itself (cases.retention, cases.disposal)."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.views.generic import FormView, TemplateView

from accounts.models import AccessLog
from accounts.responses import out_of_scope_response
from accounts.services import access_log_record

from . import disposal, retention
from .errors import DomainError
from .forms_retention import (
    DisposeForm,
    LegalHoldLiftForm,
    LegalHoldPlaceForm,
    RetentionSettingForm,
)
from .models import DisposalRecord, LegalHold


class RetentionReviewView(LoginRequiredMixin, PermissionRequiredMixin, TemplateView):
    """Records due for disposal today, oldest first, with their holds."""

    permission_required = "cases.review_retention"
    template_name = "cases/retention_review.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        kinds = retention.record_types()
        chosen = self.request.GET.get("type", "")
        if chosen not in kinds:
            chosen = ""
        context["rows"] = disposal.disposal_review_list(
            today=timezone.localdate(), record_type=chosen
        )
        context["record_types"] = kinds.values()
        context["chosen"] = chosen
        context["can_dispose"] = self.request.user.has_perm("cases.dispose_record")
        access_log_record(
            user=self.request.user,
            action=AccessLog.Action.SEARCH,
            model=DisposalRecord,
            request=self.request,
            detail=f"records due for disposal {chosen or 'all types'}",
        )
        return context


class RetentionScheduleView(LoginRequiredMixin, PermissionRequiredMixin, TemplateView):
    """The rules in force; administrators change the local ones."""

    permission_required = "cases.review_retention"
    template_name = "cases/retention_schedule.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        typed = kwargs.get("typed", {})
        context["rows"] = [
            (row, typed.get(row.rule.code, row.years))
            for row in disposal.retention_schedule_rows()
        ]
        context["can_edit"] = self.request.user.has_perm(
            "cases.manage_retention_schedule"
        )
        context["setting_error"] = kwargs.get("setting_error")
        return context

    def post(self, request, *args, **kwargs):
        if not request.user.has_perm("cases.manage_retention_schedule"):
            return self.handle_no_permission()
        form = RetentionSettingForm(request.POST)
        if form.is_valid():
            try:
                disposal.retention_setting_set(by=request.user, **form.cleaned_data)
            except DomainError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(
                    request,
                    f"{form.cleaned_data['code']} set to "
                    f"{form.cleaned_data['years']} years.",
                )
                return redirect("cases:retention-schedule")
        errors = "; ".join(e for errs in form.errors.values() for e in errs)
        typed = {request.POST.get("code", ""): request.POST.get("years", "")}
        return self.render_to_response(
            self.get_context_data(setting_error=errors, typed=typed)
        )


class RecordMixin(LoginRequiredMixin, PermissionRequiredMixin):
    """A record named by its registered type and id; unknown ones answer 404."""

    permission_required = "cases.dispose_record"

    @cached_property
    def kind(self) -> retention.RecordType | None:
        return retention.record_types().get(self.kwargs["record_type"])

    @cached_property
    def model(self):
        from django.apps import apps

        return apps.get_model(self.kind.model)

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated or not self.has_permission():
            return super().dispatch(request, *args, **kwargs)
        object_id = self.kwargs["object_id"]
        if (
            self.kind is None
            or not self.model._base_manager.filter(pk=object_id).exists()
        ):
            return out_of_scope_response(
                request, model=self.model if self.kind else None, object_id=object_id
            )
        access_log_record(
            user=request.user,
            action=AccessLog.Action.VIEW,
            model=self.model,
            object_id=object_id,
            request=request,
            detail="retention",
        )
        return super().dispatch(request, *args, **kwargs)

    @cached_property
    def row(self) -> disposal.ReviewRow | None:
        return disposal.review_row_get(
            record_type=self.kind.code,
            object_id=self.kwargs["object_id"],
            today=timezone.localdate(),
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        object_id = self.kwargs["object_id"]
        context["kind"] = self.kind
        context["object_id"] = object_id
        context["row"] = self.row
        context["reference"] = (
            self.row.record.reference if self.row else f"{self.kind.label} {object_id}"
        )
        context["holds"] = disposal.legal_hold_list(
            record_type=self.kind.code, object_id=object_id
        )
        if self.kind.url_name:
            context["record_url"] = reverse(
                self.kind.url_name, kwargs={"pk": object_id}
            )
        return context


class LegalHoldPlaceView(RecordMixin, FormView):
    form_class = LegalHoldPlaceForm
    template_name = "cases/legal_hold_place.html"

    def form_valid(self, form):
        try:
            disposal.legal_hold_place(
                record_type=self.kind.code,
                object_id=self.kwargs["object_id"],
                by=self.request.user,
                **form.cleaned_data,
            )
        except DomainError as exc:
            form.add_error(None, str(exc))
            return self.form_invalid(form)
        messages.success(self.request, "Legal hold placed: the record will be kept.")
        return redirect("cases:retention-review")


class RecordDisposeView(RecordMixin, FormView):
    form_class = DisposeForm
    template_name = "cases/record_dispose.html"

    def form_valid(self, form):
        try:
            record = disposal.record_dispose(
                record_type=self.kind.code,
                object_id=self.kwargs["object_id"],
                by=self.request.user,
                today=timezone.localdate(),
            )
        except DomainError as exc:
            form.add_error(None, str(exc))
            return self.form_invalid(form)
        messages.success(
            self.request,
            f"{self.kind.label} {record.object_id} disposed of under "
            f"{record.rule_code}: {record.rows_deleted} rows and "
            f"{record.files_deleted} files removed.",
        )
        return redirect("cases:retention-review")


class LegalHoldLiftView(LoginRequiredMixin, PermissionRequiredMixin, FormView):
    permission_required = "cases.dispose_record"
    form_class = LegalHoldLiftForm
    template_name = "cases/legal_hold_lift.html"

    @cached_property
    def hold(self) -> LegalHold | None:
        return (
            LegalHold.objects.select_related("placed_by")
            .filter(pk=self.kwargs["pk"])
            .first()
        )

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated or not self.has_permission():
            return super().dispatch(request, *args, **kwargs)
        if self.hold is None:
            return out_of_scope_response(
                request, model=LegalHold, object_id=self.kwargs["pk"]
            )
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["hold"] = self.hold
        kind = retention.record_types().get(self.hold.record_type)
        context["label"] = kind.label if kind else self.hold.record_type
        return context

    def form_valid(self, form):
        try:
            disposal.legal_hold_lift(
                hold=self.hold, by=self.request.user, **form.cleaned_data
            )
        except DomainError as exc:
            form.add_error(None, str(exc))
            return self.form_invalid(form)
        messages.success(self.request, "Legal hold lifted.")
        return redirect("cases:retention-review")


class DisposalRecordListView(LoginRequiredMixin, PermissionRequiredMixin, TemplateView):
    """The audit entries disposals left: no personal data."""

    permission_required = "cases.review_retention"
    template_name = "cases/disposal_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["disposals"] = disposal.disposal_record_list()
        context["record_types"] = retention.record_types()
        return context
