"""HTTP interface for the chair's quality assurance: practice alerts to team
managers (raise, respond, comment, chase, escalate) and good practice.

Scope first: an alert the user may not see answers a logged 404; then the
role: a visible alert the user may not act on answers 403.
"""

from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.core.paginator import Paginator
from django.utils import timezone
from django.utils.functional import cached_property
from django.views.generic import TemplateView

from accounts.models import AccessLog, User
from accounts.responses import out_of_scope_response
from accounts.services import access_log_record
from cases import selectors as case_selectors
from cases.views import ServiceFormView

from .. import selectors, services
from ..forms.alerts import (
    AlertChaseForm,
    AlertCommentForm,
    AlertEscalateForm,
    AlertFilterForm,
    AlertResponseForm,
    GoodPracticeForm,
    PracticeAlertForm,
)
from ..models import PracticeAlert
from .oversight import OversightChildMixin

FORM_TEMPLATE = "meetings/alert_form.html"
PAGE_SIZE = 50


class _QualityRoleMixin(LoginRequiredMixin, PermissionRequiredMixin):
    """Lists open to the roles that raise or answer practice alerts."""

    def has_permission(self):
        return selectors.practice_alert_may_use(user=self.request.user)


# --- raising from the child's record -------------------------------------------------


class _ChildMeetingsMixin(OversightChildMixin):
    """The child's meetings, and the one named in ?meeting= if it is the child's."""

    @cached_property
    def meetings(self):
        return selectors.meeting_list_for_child(child=self.child)

    def initial_meeting(self):
        try:
            pk = int(self.request.GET.get("meeting", ""))
        except ValueError:
            return None
        return next((m for m in self.meetings if m.pk == pk), None)


class PracticeAlertCreateView(_ChildMeetingsMixin, ServiceFormView):
    permission_required = "meetings.raise_practice_alerts"
    form_class = PracticeAlertForm
    template_name = FORM_TEMPLATE
    title = "Raise a practice alert"
    success_message = "Practice alert raised; the team manager has been notified."

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "meetings": self.meetings}

    def get_initial(self):
        return {
            "raised_on": timezone.localdate(),
            "addressed_to": selectors.practice_alert_default_addressee(
                child=self.child
            ),
            "meeting": self.initial_meeting(),
        }

    def call_service(self, form):
        self.created = services.practice_alert_raise(
            child=self.child, raised_by=self.request.user, **form.cleaned_data
        )

    def get_success_url(self):
        created = getattr(self, "created", None)
        return created.get_absolute_url() if created else super().get_success_url()


class GoodPracticeCreateView(_ChildMeetingsMixin, ServiceFormView):
    permission_required = "meetings.raise_practice_alerts"
    form_class = GoodPracticeForm
    template_name = FORM_TEMPLATE
    title = "Record good practice"
    success_message = "Good practice recorded; the worker and their manager are told."

    def get_form_kwargs(self):
        workers = User.objects.filter(is_active=True).select_related("team")
        return {
            **super().get_form_kwargs(),
            "meetings": self.meetings,
            "workers": workers.order_by("last_name", "first_name", "username"),
        }

    def get_initial(self):
        return {"recorded_on": timezone.localdate(), "meeting": self.initial_meeting()}

    def call_service(self, form):
        services.good_practice_record(
            child=self.child, recorded_by=self.request.user, **form.cleaned_data
        )


# --- one alert -----------------------------------------------------------------------


class AlertScopedMixin(LoginRequiredMixin, PermissionRequiredMixin):
    """Loads the alert through the scope selector (a logged 404 outside it)."""

    @cached_property
    def alert(self) -> PracticeAlert | None:
        try:
            return selectors.practice_alert_get_for_detail(
                user=self.request.user, pk=self.kwargs["pk"]
            )
        except PracticeAlert.DoesNotExist:
            return None

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and self.alert is None:
            return out_of_scope_response(
                request, model=PracticeAlert, object_id=self.kwargs["pk"]
            )
        return super().dispatch(request, *args, **kwargs)

    def has_permission(self):
        return True  # in scope: the raiser, the addressee or a manager

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["alert"] = self.alert
        context["child"] = self.alert.child
        return context

    def get_success_url(self):
        return self.alert.get_absolute_url()


class PracticeAlertDetailView(AlertScopedMixin, TemplateView):
    template_name = "meetings/alert_detail.html"

    def get(self, request, *args, **kwargs):
        access_log_record(
            user=request.user,
            action=AccessLog.Action.VIEW,
            obj=self.alert,
            request=request,
        )
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["detail"] = selectors.practice_alert_detail_get(
            alert=self.alert,
            user=self.request.user,
            clock=case_selectors.clock_get(),
            today=timezone.localdate(),
        )
        context["comment_form"] = AlertCommentForm()
        context["escalate_form"] = AlertEscalateForm()
        return context


class PracticeAlertRespondView(AlertScopedMixin, ServiceFormView):
    form_class = AlertResponseForm
    template_name = FORM_TEMPLATE
    title = "Respond to the practice alert"
    success_message = "Response sent."

    def has_permission(self):
        return selectors.practice_alert_may_respond(
            user=self.request.user, alert=self.alert
        )

    def get_initial(self):
        return {"responded_on": timezone.localdate()}

    def call_service(self, form):
        services.practice_alert_respond(
            alert=self.alert, responded_by=self.request.user, **form.cleaned_data
        )


class PracticeAlertCommentView(AlertScopedMixin, ServiceFormView):
    form_class = AlertCommentForm
    template_name = FORM_TEMPLATE
    title = "Comment on the practice alert"
    success_message = "Comment added."

    def call_service(self, form):
        services.practice_alert_comment(
            alert=self.alert, by=self.request.user, **form.cleaned_data
        )


class PracticeAlertChaseView(AlertScopedMixin, ServiceFormView):
    form_class = AlertChaseForm
    template_name = FORM_TEMPLATE
    title = "Chase the team manager"
    success_message = "Chased: the team manager has been notified again."

    def has_permission(self):
        return selectors.practice_alert_may_chase(
            user=self.request.user, alert=self.alert
        )

    def call_service(self, form):
        services.practice_alert_chase(alert=self.alert, chased_by=self.request.user)


class PracticeAlertEscalateView(AlertScopedMixin, ServiceFormView):
    form_class = AlertEscalateForm
    template_name = FORM_TEMPLATE
    title = "Escalate to dispute resolution"
    success_message = "Escalated: the dispute carries the alert's history."

    def has_permission(self):
        return selectors.practice_alert_may_escalate(
            user=self.request.user, alert=self.alert
        )

    def call_service(self, form):
        self.dispute = services.practice_alert_escalate(
            alert=self.alert, escalated_by=self.request.user, **form.cleaned_data
        )

    def get_success_url(self):
        dispute = getattr(self, "dispute", None)
        return dispute.get_absolute_url() if dispute else super().get_success_url()


# --- lists ---------------------------------------------------------------------------


class PracticeAlertListView(_QualityRoleMixin, TemplateView):
    template_name = "meetings/alert_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = AlertFilterForm(self.request.GET or None)
        filters = form.cleaned_data if form.is_valid() else {}
        alerts = selectors.practice_alert_list_for(
            user=self.request.user,
            today=timezone.localdate(),
            box=filters.get("box") or "",
            status=filters.get("status") or "",
            category=filters.get("category") or "",
            child_id=filters.get("child"),
        )
        page = Paginator(alerts, PAGE_SIZE).get_page(self.request.GET.get("page"))
        query = self.request.GET.copy()
        query.pop("page", None)
        context.update(
            filter_form=form,
            page=page,
            alerts=page.object_list,
            query=query.urlencode(),
        )
        return context


class GoodPracticeListView(_QualityRoleMixin, TemplateView):
    template_name = "meetings/good_practice_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        records = (
            selectors.good_practice_list_visible_to(user=self.request.user)
            .select_related("child", "meeting", "worker", "team", "recorded_by")
            .order_by("-recorded_on", "-id")
        )
        page = Paginator(records, PAGE_SIZE).get_page(self.request.GET.get("page"))
        context.update(page=page, records=page.object_list)
        return context
