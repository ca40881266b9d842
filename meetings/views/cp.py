"""Child protection and the other chaired meetings: thin views over services.

Order of checks on every page: the record must be in scope (a logged 404), a row
(minutes version, sending) must belong to it (404), then the role rule (403).
Every page of a record is logged as a view of it.
"""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.views.generic import FormView, ListView, TemplateView, View

from accounts.models import AccessLog
from accounts.responses import out_of_scope_response
from accounts.services import access_log_record
from cases import selectors as case_selectors
from cases.errors import DomainError
from cases.views import ChildRecordFormView, ChildScopedMixin

from .. import selectors, services, workflow
from ..forms.cp import (
    ApproveForm,
    ArrangeForm,
    BookForm,
    ConferenceHoldForm,
    ConferenceSendForm,
    ExclusionForm,
    HeldForm,
    MinutesForm,
    MinuteTakerForm,
    ReasonForm,
    ReportRequestForm,
    StrategyForm,
    TransferInForm,
)
from ..models import ConferenceSending, Meeting, Minutes, StrategyDiscussion
from .base import MeetingFormView, MeetingScopedMixin, related_row


def _log_view(request, obj, detail: str = "") -> None:
    access_log_record(
        user=request.user,
        action=AccessLog.Action.VIEW,
        obj=obj,
        request=request,
        detail=detail,
    )


def _url(name: str, meeting: Meeting, **kwargs) -> str:
    return reverse(f"meetings:{name}", kwargs={"pk": meeting.pk, **kwargs})


# --- the child's pages -----------------------------------------------------------------


class _ChildAudited:
    def get(self, request, *args, **kwargs):
        _log_view(request, self.child, detail=f"{type(self).__name__}")
        return super().get(request, *args, **kwargs)


class ChildCPView(_ChildAudited, ChildScopedMixin, TemplateView):
    permission_required = "cases.view_child"
    template_name = "meetings/cp/child_cp.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context["cp"] = selectors.child_cp_get(
            child=self.child, user=user, today=timezone.localdate()
        )
        context["can_record_strategy"] = selectors.cp_may_record_strategy(user=user)
        context["can_schedule"] = user.has_perm("meetings.schedule_meeting")
        return context


class _ChildFamilyFormView(_ChildAudited, ChildRecordFormView):
    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "child": self.child,
            "visible_children": case_selectors.child_list_visible_to(
                user=self.request.user
            ),
        }

    def get_success_url(self):
        created = getattr(self, "created", None)
        if created is not None:
            return created.get_absolute_url()
        return reverse("meetings:child-cp", kwargs={"pk": self.child.pk})


class StrategyCreateView(_ChildFamilyFormView):
    permission_required = "meetings.record_strategy"
    form_class = StrategyForm
    title = "Record a strategy discussion"

    def get_initial(self):
        return {"held_on": timezone.localdate(), "agencies_present": ["social_care"]}

    def call_service(self, form):
        data = dict(form.cleaned_data)
        self.created = services.strategy_discussion_record(
            child=self.child, recorded_by=self.request.user, **data
        )
        conference = self.created.conference
        self.success_message = (
            f"Strategy discussion recorded. The initial conference is due by "
            f"{conference.due_on:%d/%m/%Y}."
            if conference
            else "Strategy discussion recorded."
        )


class TransferInCreateView(_ChildFamilyFormView):
    permission_required = "meetings.schedule_meeting"
    form_class = TransferInForm
    title = "Record a transfer-in (children moving in on a plan)"

    def call_service(self, form):
        self.created = services.transfer_in_record(
            child=self.child, recorded_by=self.request.user, **form.cleaned_data
        )
        self.success_message = (
            f"Transfer-in recorded. The conference is due by "
            f"{self.created.due_on:%d/%m/%Y}."
        )


class MeetingArrangeView(_ChildAudited, ChildRecordFormView):
    permission_required = "meetings.schedule_meeting"
    form_class = ArrangeForm
    title = "Arrange a meeting"
    success_message = "Meeting arranged."

    def call_service(self, form):
        self.created = services.meeting_arrange(
            child=self.child, arranged_by=self.request.user, **form.cleaned_data
        )

    def get_success_url(self):
        created = getattr(self, "created", None)
        if created is not None:
            return created.get_absolute_url()
        return reverse("meetings:child-cp", kwargs={"pk": self.child.pk})


class StrategyDetailView(LoginRequiredMixin, PermissionRequiredMixin, TemplateView):
    permission_required = "cases.view_child"
    template_name = "meetings/cp/strategy_detail.html"

    @cached_property
    def discussion(self) -> StrategyDiscussion | None:
        try:
            return selectors.strategy_get_for_detail(
                user=self.request.user, pk=self.kwargs["pk"]
            )
        except StrategyDiscussion.DoesNotExist:
            return None

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and self.discussion is None:
            return out_of_scope_response(
                request, model=StrategyDiscussion, object_id=self.kwargs["pk"]
            )
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, *args, **kwargs):
        _log_view(request, self.discussion)
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        discussion = self.discussion
        context["discussion"] = discussion
        context["child"] = discussion.child
        context["icpc_due"] = selectors.due_explained(
            case_selectors.clock_get(), "cp_icpc", discussion.held_on
        )
        return context


# --- a meeting's pages -----------------------------------------------------------------


class CPMeetingMixin(MeetingScopedMixin):
    """A page about a conference or another chaired meeting (not a CiC review)."""

    def dispatch(self, request, *args, **kwargs):
        meeting = self.meeting if request.user.is_authenticated else None
        if meeting is not None and meeting.spec.group == "cic":
            raise Http404("A Children in Care review has its own pages.")
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, *args, **kwargs):
        page = getattr(super(), "get", None)
        if page is None:  # an action answers POST only
            return self.http_method_not_allowed(request, *args, **kwargs)
        _log_view(request, self.meeting, detail=type(self).__name__)
        return page(request, *args, **kwargs)


class CPMeetingDetailView(CPMeetingMixin, TemplateView):
    permission_required = "meetings.view_meeting"
    template_name = "meetings/cp/meeting_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            selectors.cp_meeting_context(
                meeting=self.meeting,
                user=self.request.user,
                today=timezone.localdate(),
            )
        )
        context.update(
            selectors.quality_panel_context(
                meeting=self.meeting, user=self.request.user
            )
        )
        return context


class _CPFormView(CPMeetingMixin, MeetingFormView):
    template_name = "meetings/cp/form_page.html"


class CPBookView(_CPFormView):
    permission_required = "meetings.schedule_meeting"
    needs_scheduler = True
    form_class = BookForm
    title = "Book the meeting"
    success_message = "Meeting booked; its due date is unchanged."

    def get_initial(self):
        return {"chair": self.meeting.chair, "minute_taker": self.meeting.minute_taker}

    def call_service(self, form):
        services.cp_meeting_book(
            meeting=self.meeting, booked_by=self.request.user, **form.cleaned_data
        )


class MinuteTakerAssignView(_CPFormView):
    permission_required = "meetings.schedule_meeting"
    needs_scheduler = True
    form_class = MinuteTakerForm
    title = "Assign the minute-taker"
    success_message = "Minute-taker saved."

    def get_initial(self):
        return {"minute_taker": self.meeting.minute_taker}

    def call_service(self, form):
        services.minute_taker_assign(
            meeting=self.meeting, by=self.request.user, **form.cleaned_data
        )


class CPHoldView(_CPFormView):
    """Record a meeting as held; a conference with each child's outcome."""

    title = "Record the meeting as held"

    def get_permission_required(self):
        if self.meeting.spec.held_by_scheduler:
            return ("meetings.schedule_meeting",)
        return ("meetings.chair_meeting",)

    def has_permission(self):
        return super().has_permission() and selectors.cp_may_hold(
            user=self.request.user, meeting=self.meeting
        )

    def get_form_class(self):
        return ConferenceHoldForm if self.meeting.spec.is_conference else HeldForm

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        if self.meeting.spec.is_conference:
            kwargs["rows"] = selectors.conference_children_for(meeting=self.meeting)
            kwargs["outcomes"] = self.meeting.spec.outcomes
        return kwargs

    def get_initial(self):
        return {"held_on": timezone.localdate()}

    def call_service(self, form):
        user, meeting = self.request.user, self.meeting
        if meeting.spec.is_conference:
            services.conference_hold(
                meeting=meeting,
                held_by=user,
                held_on=form.cleaned_data["held_on"],
                outcomes=form.outcomes_data(),
            )
            self.success_message = (
                "Conference recorded as held. The outline plan is due to be sent "
                "within its timescale; the next meetings owed are listed below."
            )
        else:
            services.cp_meeting_hold(
                meeting=meeting, held_by=user, held_on=form.cleaned_data["held_on"]
            )
            self.success_message = "Meeting recorded as held."


class CPCloseView(_CPFormView):
    permission_required = "meetings.schedule_meeting"
    needs_scheduler = True
    form_class = ReasonForm
    title = "Close the meeting: it is no longer needed"
    success_message = "Meeting closed."

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "submit_label": "Close the meeting"}

    def call_service(self, form):
        services.cp_meeting_close(
            meeting=self.meeting, by=self.request.user, **form.cleaned_data
        )


class ExclusionCreateView(_CPFormView):
    permission_required = "meetings.chair_meeting"
    needs_chair = True
    form_class = ExclusionForm
    title = "Exclude someone from the conference"
    success_message = "Exclusion recorded."

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "participants": self.meeting.participants.all(),
        }

    def call_service(self, form):
        services.exclusion_record(
            meeting=self.meeting, by=self.request.user, **form.cleaned_data
        )


class ReportRequestView(_CPFormView):
    permission_required = "meetings.schedule_meeting"
    needs_scheduler = True
    form_class = ReportRequestForm
    title = "Request a report before the meeting"
    success_message = "Report requested."

    def call_service(self, form):
        services.expected_report_request(
            meeting=self.meeting, by=self.request.user, **form.cleaned_data
        )


# --- sendings ---------------------------------------------------------------------------


class _SendingRule:
    """The chair or a manager sends; IROs and managers in scope read the ledger."""

    sends = False

    def get_permission_required(self):
        if self.sends:
            return ("meetings.distribute_record",)
        return ("meetings.view_meeting",)

    def has_permission(self):
        if not super().has_permission():
            return False
        user = self.request.user
        if self.sends:
            return selectors.minutes_may_distribute(user=user, meeting=self.meeting)
        return user.has_perm("meetings.chair_meeting") or user.has_perm(
            "meetings.approve_record"
        )


class _SendView(_SendingRule, CPMeetingMixin, FormView):
    sends = True
    form_class = ConferenceSendForm
    template_name = "meetings/cp/send.html"
    is_minutes = False

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "participants": selectors.cp_sending_recipient_choices(
                meeting=self.meeting
            ),
            "is_minutes": self.is_minutes,
        }

    def get_initial(self):
        choices = selectors.cp_sending_recipient_choices(meeting=self.meeting)
        return {"send_to": [str(p.pk) for p in choices]}

    def form_valid(self, form):
        try:
            rows = self.call_service(form)
        except DomainError as exc:
            form.add_error(None, str(exc))
            return self.form_invalid(form)
        messages.success(
            self.request, f"{len(rows)} sending(s) recorded; emails are being sent."
        )
        return redirect(_url("cp-ledger", self.meeting))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["cancel_url"] = self.meeting.get_absolute_url()
        return context


class OutlinePlanSendView(_SendView):
    def call_service(self, form):
        return services.outline_plan_request(
            meeting=self.meeting, by=self.request.user, recipients=form.recipients()
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["title"] = "Send the decisions and outline plan"
        context["outline"] = selectors.outline_plan_context(meeting_id=self.meeting.pk)
        return context


class CPLedgerView(_SendingRule, CPMeetingMixin, TemplateView):
    template_name = "meetings/cp/ledger.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["rows"] = selectors.cp_sending_list_for_meeting(meeting=self.meeting)
        context["may_send"] = selectors.minutes_may_distribute(
            user=self.request.user, meeting=self.meeting
        )
        return context


class _SendingRowMixin(_SendingRule, CPMeetingMixin):
    @cached_property
    def sending(self) -> ConferenceSending:
        rows = selectors.cp_sending_list_for_meeting(meeting=self.meeting)
        return related_row(rows, self.kwargs["cp_sending_pk"])

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and self.meeting is not None:
            self.sending  # noqa: B018 - another meeting's sending answers 404 first
        return super().dispatch(request, *args, **kwargs)


class CPSendingPdfView(_SendingRowMixin, View):
    def get(self, request, *args, **kwargs):
        row = self.sending
        if not row.pdf.name or not row.pdf.storage.exists(row.pdf.name):
            raise Http404("This PDF has not been prepared yet.")
        access_log_record(
            user=request.user,
            action=AccessLog.Action.EXPORT,
            obj=self.meeting,
            request=request,
            detail=f"Downloaded {row.get_document_display()} sent to "
            f"{row.recipient_name}",
        )
        return FileResponse(
            row.pdf.open("rb"),
            as_attachment=True,
            filename=f"{self.meeting.child.la_child_id}-{row.document}-{row.pk}.pdf",
            content_type="application/pdf",
        )


class _SendingActionView(_SendingRowMixin, View):
    sends = True
    success_message = ""

    def post(self, request, *args, **kwargs):
        try:
            self.call_service()
        except DomainError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, self.success_message)
        return redirect(_url("cp-ledger", self.meeting))


class CPSendingResendView(_SendingActionView):
    success_message = "Sending again."

    def call_service(self):
        services.cp_sending_resend(sending=self.sending, by=self.request.user)


class CPSendingMarkSentView(_SendingActionView):
    success_message = "Recorded as sent."

    def call_service(self):
        services.cp_sending_mark_sent(sending=self.sending, by=self.request.user)


# --- minutes ---------------------------------------------------------------------------

_MINUTES_RULES = {
    "read": ("meetings.view_meeting", selectors.minutes_may_read),
    "approve": ("meetings.approve_record", selectors.minutes_may_approve),
    "distribute": ("meetings.distribute_record", selectors.minutes_may_distribute),
}


class MinutesMixin(CPMeetingMixin):
    """A page about one version of a meeting's minutes; `rule` says who may use it."""

    rule = "read"

    def get_permission_required(self):
        if self.rule in ("edit", "start", "amend"):
            return ()
        return (_MINUTES_RULES[self.rule][0],)

    @cached_property
    def versions(self) -> list[Minutes]:
        return selectors.minutes_list_for_meeting(meeting=self.meeting)

    @cached_property
    def minutes(self) -> Minutes:
        return related_row(self.versions, self.kwargs["minutes_pk"])

    def dispatch(self, request, *args, **kwargs):
        if (
            request.user.is_authenticated
            and self.meeting is not None
            and "minutes_pk" in kwargs
        ):
            self.minutes  # noqa: B018 - another meeting's minutes answer 404 first
        return super().dispatch(request, *args, **kwargs)

    def has_permission(self):
        if not super().has_permission():
            return False
        user, meeting = self.request.user, self.meeting
        if self.rule == "edit":
            return selectors.minutes_may_edit(user=user, minutes=self.minutes)
        if self.rule == "start":
            return selectors.minutes_role(user=user, meeting=meeting) is not None
        if self.rule == "amend":
            return selectors.minutes_role(user=user, meeting=meeting) == "chair"
        return _MINUTES_RULES[self.rule][1](user=user, meeting=meeting)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["cancel_url"] = self.meeting.get_absolute_url()
        if "minutes_pk" in self.kwargs:
            context["minutes"] = self.minutes
        return context


class MinutesStartView(MinutesMixin, View):
    rule = "start"

    def post(self, request, *args, **kwargs):
        try:
            minutes = services.minutes_start(meeting=self.meeting, by=request.user)
        except DomainError as exc:
            messages.error(request, str(exc))
            return redirect(self.meeting)
        messages.success(request, "Minutes started.")
        return redirect(_url("minutes-edit", self.meeting, minutes_pk=minutes.pk))


class MinutesDetailView(MinutesMixin, TemplateView):
    template_name = "meetings/cp/minutes_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        may_preview = selectors.minutes_may_approve(
            user=user, meeting=self.meeting
        ) or selectors.minutes_may_distribute(user=user, meeting=self.meeting)
        participants = {str(p.pk): p for p in self.meeting.participants.all()}
        preview = participants.get(self.request.GET.get("for", ""))
        audience = (
            ConferenceSending.Audience.FAMILY
            if preview is not None and may_preview
            else ConferenceSending.Audience.FULL
        )
        context["content"] = selectors.minutes_pdf_context(
            minutes_id=self.minutes.pk,
            audience=audience,
            participant_id=preview.pk if preview is not None and may_preview else None,
        )
        context["may_preview"] = may_preview
        context["family_participants"] = [
            p for p in participants.values() if workflow.is_family_role(p.role)
        ]
        context["versions"] = self.versions
        return context


class MinutesEditView(MinutesMixin, FormView):
    rule = "edit"
    form_class = MinutesForm
    template_name = "meetings/cp/minutes_edit.html"

    @cached_property
    def editor(self) -> dict:
        return selectors.minutes_editor_get(minutes=self.minutes)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), **self.editor}

    def get_initial(self):
        return {"lock_version": self.minutes.lock_version}

    def form_valid(self, form):
        try:
            services.minutes_save(
                minutes=self.minutes,
                by=self.request.user,
                expected_lock_version=form.cleaned_data["lock_version"],
                sections=form.sections_data(),
                new_section=form.cleaned_data["new_section"],
            )
        except services.MinutesConflict as exc:
            # Keep what was typed; the next save replaces the text saved meanwhile.
            data = self.request.POST.copy()
            data["lock_version"] = exc.lock_version
            retry = self.get_form_class()(data=data, **self.editor)
            retry.is_valid()
            context = self.get_context_data(form=retry, conflict=exc)
            return self.render_to_response(context, status=409)
        except DomainError as exc:
            form.add_error(None, str(exc))
            return self.form_invalid(form)
        messages.success(self.request, "Minutes saved.")
        return redirect(_url("minutes-edit", self.meeting, minutes_pk=self.minutes.pk))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        conflict = kwargs.get("conflict")
        context["role"] = selectors.minutes_role(
            user=self.request.user, meeting=self.meeting
        )
        if conflict is not None:
            form = context["form"]
            context["conflict_rows"] = [
                (
                    section.heading,
                    conflict.current.get(section.pk, {}),
                    form[f"text_{section.pk}"].value(),
                    form[f"restricted_{section.pk}"].value(),
                )
                for section in form.sections
            ]
        return context


def _parse_sections(payload: dict) -> dict[int, dict]:
    """Return the sections of an autosave request, or raise ValueError."""
    sections = {}
    for key, data in dict(payload.get("sections") or {}).items():
        if not isinstance(data, dict):
            raise ValueError("bad section")
        row = {}
        for name in ("text", "restricted_text"):
            if name in data:
                if not isinstance(data[name], str):
                    raise ValueError("bad text")
                row[name] = data[name]
        if "present" in data:
            row["present"] = [int(v) for v in data["present"]]
        sections[int(key)] = row
    return sections


class MinutesAutosaveView(MinutesMixin, View):
    """Save the editor's text as JSON every few seconds (static/js/cp_minutes.js).

    200 saved (with the new lock version), 409 when someone else saved first
    (with their text, so both are shown), 400 for anything else.
    """

    rule = "edit"
    http_method_names = ["post"]

    def handle_no_permission(self):
        if self.request.user.is_authenticated:
            return JsonResponse(
                {"error": "You can no longer change these minutes."}, status=403
            )
        return super().handle_no_permission()

    def post(self, request, *args, **kwargs):
        try:
            payload = json.loads(request.body or b"{}")
            expected = int(payload["lock_version"])
            sections = _parse_sections(payload)
        except (ValueError, KeyError, TypeError, AttributeError):
            return JsonResponse(
                {"error": "The request was not understood."}, status=400
            )
        try:
            minutes = services.minutes_save(
                minutes=self.minutes,
                by=request.user,
                expected_lock_version=expected,
                sections=sections,
            )
        except services.MinutesConflict as exc:
            saved_at = (
                timezone.localtime(exc.saved_at).strftime("%d/%m/%Y %H:%M:%S")
                if exc.saved_at
                else ""
            )
            return JsonResponse(
                {
                    "conflict": True,
                    "message": str(exc),
                    "lock_version": exc.lock_version,
                    "saved_by": exc.saved_by,
                    "saved_at": saved_at,
                    "current": {str(pk): row for pk, row in exc.current.items()},
                },
                status=409,
            )
        except DomainError as exc:
            return JsonResponse({"error": str(exc)}, status=400)
        return JsonResponse(
            {
                "saved": True,
                "lock_version": minutes.lock_version,
                "saved_at": timezone.localtime().strftime("%H:%M:%S"),
            }
        )


class _MinutesActionView(MinutesMixin, View):
    success_message = ""

    def post(self, request, *args, **kwargs):
        try:
            self.call_service()
        except DomainError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, self.success_message)
        return redirect(self.meeting)


class MinutesSubmitView(_MinutesActionView):
    rule = "edit"
    success_message = "Minutes submitted to the chair."

    def call_service(self):
        services.minutes_submit(minutes=self.minutes, by=self.request.user)


class _MinutesFormView(MinutesMixin, FormView):
    template_name = "meetings/cp/minutes_form.html"
    title = ""
    success_message = ""

    def form_valid(self, form):
        try:
            self.call_service(form)
        except DomainError as exc:
            form.add_error(None, str(exc))
            return self.form_invalid(form)
        messages.success(self.request, self.success_message)
        return redirect(self.get_success_url())

    def get_success_url(self):
        return self.meeting.get_absolute_url()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["title"] = f"{self.title}: version {self.minutes.version}"
        return context


class MinutesApproveView(_MinutesFormView):
    rule = "approve"
    form_class = ApproveForm
    title = "Approve the minutes"
    success_message = "Minutes approved. The agencies' PDF is being prepared."

    def call_service(self, form):
        services.minutes_approve(minutes=self.minutes, by=self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["content"] = selectors.minutes_pdf_context(
            minutes_id=self.minutes.pk, audience=ConferenceSending.Audience.FULL
        )
        context["is_actionable"] = self.minutes.status == Minutes.Status.SUBMITTED
        return context


class MinutesReturnView(_MinutesFormView):
    rule = "approve"
    form_class = ReasonForm
    title = "Return the minutes to the minute-taker"
    success_message = "Minutes returned to the minute-taker."

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "submit_label": "Return the minutes"}

    def call_service(self, form):
        services.minutes_return(
            minutes=self.minutes, by=self.request.user, **form.cleaned_data
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["is_actionable"] = self.minutes.status == Minutes.Status.SUBMITTED
        return context


class MinutesAmendView(_MinutesFormView):
    rule = "amend"
    form_class = ReasonForm
    title = "Amend the approved minutes"
    success_message = "A new version was started from the approved minutes."

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "submit_label": "Start a new version"}

    def call_service(self, form):
        self.amended = services.minutes_amend(
            minutes=self.minutes, by=self.request.user, **form.cleaned_data
        )

    def get_success_url(self):
        return _url("minutes-edit", self.meeting, minutes_pk=self.amended.pk)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["is_actionable"] = self.minutes.status == Minutes.Status.APPROVED
        return context


class MinutesDistributeView(_SendView):
    is_minutes = True

    @cached_property
    def current(self) -> Minutes | None:
        return next(
            (
                m
                for m in selectors.minutes_list_for_meeting(meeting=self.meeting)
                if m.status == Minutes.Status.APPROVED
            ),
            None,
        )

    def post(self, request, *args, **kwargs):
        if self.current is None:
            messages.error(request, "There are no approved minutes to send.")
            return redirect(self.meeting)
        return super().post(request, *args, **kwargs)

    def call_service(self, form):
        return services.minutes_distribution_request(
            minutes=self.current, by=self.request.user, recipients=form.recipients()
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["title"] = "Send the minutes"
        context["minutes"] = self.current
        return context


class MinutesPdfView(MinutesMixin, View):
    def get(self, request, *args, **kwargs):
        minutes = self.minutes
        if not minutes.pdf.name or not minutes.pdf.storage.exists(minutes.pdf.name):
            raise Http404("This PDF has not been prepared.")
        access_log_record(
            user=request.user,
            action=AccessLog.Action.EXPORT,
            obj=minutes,
            request=request,
            detail=f"Downloaded the minutes, version {minutes.version}",
        )
        return FileResponse(
            minutes.pdf.open("rb"),
            as_attachment=True,
            filename=f"{self.meeting.child.la_child_id}-minutes-v{minutes.version}.pdf",
            content_type="application/pdf",
        )


# --- lists -------------------------------------------------------------------------------


class CPListView(LoginRequiredMixin, PermissionRequiredMixin, ListView):
    permission_required = "meetings.view_meeting"
    template_name = "meetings/cp/cp_list.html"
    paginate_by = 50
    context_object_name = "meetings"

    def get(self, request, *args, **kwargs):
        access_log_record(
            user=request.user,
            action=AccessLog.Action.VIEW,
            model=Meeting,
            request=request,
            detail="Child protection meetings list",
        )
        return super().get(request, *args, **kwargs)

    @cached_property
    def mine(self) -> bool:
        return self.request.GET.get("mine") == "1"

    def get_queryset(self):
        return selectors.cp_meeting_list_open(
            user=self.request.user, today=timezone.localdate(), mine=self.mine
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["mine"] = self.mine
        context["outstanding"] = list(
            selectors.cp_meeting_list_records_outstanding(
                user=self.request.user, today=timezone.localdate(), mine=self.mine
            )[:50]
        )
        return context


class MinutesListView(LoginRequiredMixin, PermissionRequiredMixin, ListView):
    template_name = "meetings/cp/minutes_list.html"
    paginate_by = 50
    context_object_name = "meetings"

    def has_permission(self):
        user = self.request.user
        return any(
            user.has_perm(p)
            for p in (
                "meetings.take_minutes",
                "meetings.chair_meeting",
                "meetings.approve_record",
            )
        )

    def get(self, request, *args, **kwargs):
        access_log_record(
            user=request.user,
            action=AccessLog.Action.VIEW,
            model=Minutes,
            request=request,
            detail="Minutes list",
        )
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        return selectors.minutes_list_for(user=self.request.user)
