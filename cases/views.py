"""HTTP interface for the child record: thin views over selectors and services."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.functional import cached_property
from django.views.generic import FormView, TemplateView, View
from django_filters.views import FilterView

from accounts.models import AccessLog
from accounts.responses import out_of_scope_response
from accounts.roles import Role
from accounts.services import access_log_record

from . import breakglass, selectors, services, timescales
from .concurrency import VersionCheckedFormMixin
from .errors import DomainError
from .forms import (
    AllocationForm,
    CareEpisodeEditForm,
    CareEpisodeEndForm,
    CareEpisodeStartForm,
    ChildFilter,
    ChildForm,
    ClosureDayForm,
    CPPlanEditForm,
    CPPlanEndForm,
    CPPlanStartForm,
    KeyPersonForm,
    TimescaleCalculatorForm,
    TimescaleSettingForm,
)
from .models import Child, LocalClosureDay


class HomeView(LoginRequiredMixin, TemplateView):
    template_name = "cases/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        if user.has_role(Role.IRO):
            context["caseload"] = selectors.child_caseload_for(user=user)[:200]
        return context


class ChildScopedMixin(LoginRequiredMixin, PermissionRequiredMixin):
    """Loads the child through the scope selector; out of scope is a logged 404."""

    child_pk_kwarg = "pk"
    log_view = False

    @cached_property
    def child(self) -> Child | None:
        try:
            return selectors.child_get_for_record(
                user=self.request.user, pk=self.kwargs[self.child_pk_kwarg]
            )
        except Child.DoesNotExist:
            return None

    @cached_property
    def breakglass_grant(self):
        """The emergency access grant this page is opened under, if any."""
        return breakglass.breakglass_grant_active(
            user=self.request.user, child_id=self.child.pk
        )

    def dispatch(self, request, *args, **kwargs):
        # Scope first: a record the user may not see answers 404 (and is logged)
        # whatever the action; an action the role may not take on a visible record
        # answers 403.
        if request.user.is_authenticated and self.child is None:
            return child_out_of_scope_response(
                request, child_id=self.kwargs[self.child_pk_kwarg]
            )
        if request.user.is_authenticated and self.breakglass_grant is not None:
            breakglass.breakglass_access_record(
                grant=self.breakglass_grant, request=request, child=self.child
            )
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["child"] = self.child
        context["breakglass_grant"] = self.breakglass_grant
        return context


def child_out_of_scope_response(request, *, child_id):
    """A logged 404; one who may ask for emergency access is offered the way.

    The offer is the same whether or not such a child exists, so the page tells
    nobody which record numbers are real.
    """
    response = out_of_scope_response(request, model=Child, object_id=child_id)
    if breakglass.is_eligible(user=request.user):
        response.template_name = "cases/child_out_of_scope.html"
        response.context_data = {
            "breakglass_url": reverse(
                "cases:breakglass-request", kwargs={"pk": child_id}
            ),
            "grant_hours": breakglass.grant_hours(),
        }
    return response


class ServiceFormView(FormView):
    """A form page whose valid submission calls one service, showing DomainErrors."""

    template_name = "cases/form_page.html"
    title = ""
    success_message = ""

    def form_valid(self, form):
        try:
            self.call_service(form)
        except (DomainError, ValidationError) as exc:
            for message in getattr(exc, "messages", [str(exc)]):
                form.add_error(None, message)
            return self.form_invalid(form)
        if self.success_message:
            messages.success(self.request, self.success_message)
        return redirect(self.get_success_url())

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["title"] = self.title
        context["cancel_url"] = self.get_success_url()
        return context


class ChildListView(LoginRequiredMixin, PermissionRequiredMixin, FilterView):
    permission_required = "cases.view_child"
    filterset_class = ChildFilter
    template_name = "cases/child_list.html"
    paginate_by = 25
    context_object_name = "children"

    def get_queryset(self):
        return selectors.child_list_search(user=self.request.user)

    def get(self, request, *args, **kwargs):
        terms = {
            k: v
            for k, v in request.GET.items()
            if k in ("q", "la_child_id", "date_of_birth") and v
        }
        if terms:
            access_log_record(
                user=request.user,
                action=AccessLog.Action.SEARCH,
                model=Child,
                request=request,
                detail=str(terms),
            )
        return super().get(request, *args, **kwargs)


class ChildCreateView(LoginRequiredMixin, PermissionRequiredMixin, ServiceFormView):
    permission_required = "cases.add_child"
    form_class = ChildForm
    title = "Add a child"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "submit_label": "Add child"}

    def call_service(self, form):
        self.created = services.child_create(
            created_by=self.request.user, **form.cleaned_data
        )

    def get_success_url(self):
        created = getattr(self, "created", None)
        return created.get_absolute_url() if created else reverse("cases:child-list")

    def form_valid(self, form):
        self.success_message = "Child added."
        return super().form_valid(form)


class ChildDetailView(ChildScopedMixin, TemplateView):
    permission_required = "cases.view_child"
    template_name = "cases/child_detail.html"

    def get(self, request, *args, **kwargs):
        access_log_record(
            user=request.user,
            action=AccessLog.Action.VIEW,
            obj=self.child,
            request=request,
        )
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        child = self.child
        user = self.request.user
        context["periods"] = selectors.care_periods(list(child.care_episodes.all()))
        context["clock_items"] = selectors.child_clock_items(
            child=child, clock=selectors.clock_get()
        )
        context["can_change"] = user.has_perm("cases.change_child")
        context["can_change_episodes"] = user.has_perm("cases.change_child_episodes")
        context["can_change_people"] = user.has_perm("cases.change_key_people")
        context["can_allocate"] = user.has_perm("cases.allocate_child")
        if user.has_perm("cases.view_child_audit"):
            context["access_log"] = selectors.child_access_log(child=child, limit=20)
            context["changes"] = selectors.child_change_history(child=child, limit=20)
        return context


class ChildAuditView(ChildScopedMixin, TemplateView):
    permission_required = "cases.view_child_audit"
    template_name = "cases/child_audit.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["access_log"] = selectors.child_access_log(child=self.child, limit=500)
        context["changes"] = selectors.child_change_history(child=self.child, limit=500)
        return context


class ChildUpdateView(VersionCheckedFormMixin, ChildScopedMixin, ServiceFormView):
    permission_required = "cases.change_child"
    form_class = ChildForm
    title = "Edit identity and needs"
    success_message = "Record updated."

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "instance": Child.objects.get(pk=self.child.pk),
        }

    def get_versioned_record(self):
        return self.child

    def call_service(self, form):
        services.child_update(
            child=self.child, updated_by=self.request.user, **form.cleaned_data
        )

    def get_success_url(self):
        return self.child.get_absolute_url()


def _related(child_records, pk):
    for record in child_records:
        if record.pk == pk:
            return record
    raise Http404("No such record for this child.")


class ChildRecordFormView(ChildScopedMixin, ServiceFormView):
    """A form about one child or one of its rows; returns to the child's record.

    `related_name` and `related_kwarg` name the row (episode, plan, person) when
    there is one; a row of another child answers 404.
    """

    related_name = ""
    related_kwarg = ""

    @cached_property
    def record(self):
        rows = getattr(self.child, self.related_name).all()
        return _related(rows, self.kwargs[self.related_kwarg])

    def dispatch(self, request, *args, **kwargs):
        if (
            self.related_name
            and request.user.is_authenticated
            and self.child is not None
        ):
            self.record  # noqa: B018 - 404 before any form is shown
        return super().dispatch(request, *args, **kwargs)

    def get_record_instance(self):
        """Return a fresh copy of the row for a ModelForm to edit."""
        return type(self.record).objects.get(pk=self.record.pk)

    def get_versioned_record(self):
        return self.record

    def get_success_url(self):
        return self.child.get_absolute_url()


class CareEpisodeCreateView(ChildRecordFormView):
    permission_required = "cases.change_child_episodes"
    form_class = CareEpisodeStartForm
    title = "Record a care episode"
    success_message = "Care episode recorded."

    def call_service(self, form):
        services.care_episode_start(
            child=self.child, started_by=self.request.user, **form.cleaned_data
        )


class CareEpisodeUpdateView(VersionCheckedFormMixin, ChildRecordFormView):
    permission_required = "cases.change_child_episodes"
    form_class = CareEpisodeEditForm
    title = "Correct a care episode"
    success_message = "Care episode updated."
    related_name, related_kwarg = "care_episodes", "episode_pk"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.get_record_instance()}

    def call_service(self, form):
        services.care_episode_update(
            episode=self.record, updated_by=self.request.user, **form.cleaned_data
        )


class CareEpisodeEndView(ChildRecordFormView):
    permission_required = "cases.change_child_episodes"
    form_class = CareEpisodeEndForm
    title = "End a care episode"
    success_message = "Care episode ended."
    related_name, related_kwarg = "care_episodes", "episode_pk"

    def call_service(self, form):
        services.care_episode_end(
            episode=self.record, ended_by=self.request.user, **form.cleaned_data
        )


class CPPlanCreateView(ChildRecordFormView):
    permission_required = "cases.change_child_episodes"
    form_class = CPPlanStartForm
    title = "Record a child protection plan"
    success_message = "Child protection plan recorded."

    def call_service(self, form):
        services.cp_plan_start(
            child=self.child, started_by=self.request.user, **form.cleaned_data
        )


class CPPlanUpdateView(VersionCheckedFormMixin, ChildRecordFormView):
    permission_required = "cases.change_child_episodes"
    form_class = CPPlanEditForm
    title = "Correct a child protection plan"
    success_message = "Child protection plan updated."
    related_name, related_kwarg = "cp_plans", "plan_pk"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.get_record_instance()}

    def call_service(self, form):
        services.cp_plan_update(
            plan=self.record, updated_by=self.request.user, **form.cleaned_data
        )


class CPPlanEndView(ChildRecordFormView):
    permission_required = "cases.change_child_episodes"
    form_class = CPPlanEndForm
    title = "End a child protection plan"
    success_message = "Child protection plan ended."
    related_name, related_kwarg = "cp_plans", "plan_pk"

    def call_service(self, form):
        services.cp_plan_end(
            plan=self.record, ended_by=self.request.user, **form.cleaned_data
        )


class AllocationCreateView(ChildRecordFormView):
    permission_required = "cases.allocate_child"
    form_class = AllocationForm
    title = "Allocate a worker"
    success_message = "Allocation recorded."

    def call_service(self, form):
        services.allocation_allocate(
            child=self.child, allocated_by=self.request.user, **form.cleaned_data
        )


class KeyPersonCreateView(ChildRecordFormView):
    permission_required = "cases.change_key_people"
    form_class = KeyPersonForm
    title = "Add a key person"
    success_message = "Key person added."

    def call_service(self, form):
        services.key_person_create(
            child=self.child, created_by=self.request.user, **form.cleaned_data
        )


class KeyPersonUpdateView(VersionCheckedFormMixin, ChildRecordFormView):
    permission_required = "cases.change_key_people"
    form_class = KeyPersonForm
    title = "Edit a key person"
    success_message = "Key person updated."
    related_name, related_kwarg = "key_people", "person_pk"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.get_record_instance()}

    def call_service(self, form):
        services.key_person_update(
            person=self.record, updated_by=self.request.user, **form.cleaned_data
        )


class KeyPersonDeleteView(ChildScopedMixin, View):
    permission_required = "cases.change_key_people"

    def post(self, request, *args, **kwargs):
        person = _related(self.child.key_people.all(), self.kwargs["person_pk"])
        services.key_person_remove(person=person, removed_by=request.user)
        messages.success(request, f"{person.name} removed from key people.")
        return redirect(self.child)


class TimescaleCalculatorView(
    LoginRequiredMixin, PermissionRequiredMixin, TemplateView
):
    permission_required = "cases.view_timescales"
    template_name = "cases/timescale_calculator.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = TimescaleCalculatorForm(self.request.GET or None)
        if form.is_valid():
            context["result"] = selectors.clock_get().due(
                form.cleaned_data["rule"], form.cleaned_data["start"]
            )
        context["form"] = form
        context["rules"] = timescales.RULES.values()
        return context


class TimescaleSettingsView(LoginRequiredMixin, PermissionRequiredMixin, TemplateView):
    permission_required = "cases.manage_calendar"
    template_name = "cases/timescale_settings.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        overrides = selectors.timescale_overrides()
        context["local_rules"] = [
            (rule, overrides.get(rule.code, rule.amount))
            for rule in timescales.RULES.values()
            if rule.is_local
        ]
        context["closures"] = LocalClosureDay.objects.select_related("added_by")
        context["closure_form"] = kwargs.get("closure_form") or ClosureDayForm()
        context["setting_errors"] = kwargs.get("setting_errors")
        return context

    def post(self, request, *args, **kwargs):
        if "amount" in request.POST:
            form = TimescaleSettingForm(request.POST)
            if not form.is_valid():
                return self.render_to_response(
                    self.get_context_data(
                        setting_errors="Enter a whole number of days or months from 0 to 120."
                    )
                )
            services.timescale_setting_set(updated_by=request.user, **form.cleaned_data)
            messages.success(
                request,
                f"{form.cleaned_data['code']} set to {form.cleaned_data['amount']}.",
            )
            return redirect("cases:timescale-settings")
        form = ClosureDayForm(request.POST)
        if form.is_valid():
            try:
                services.closure_day_add(added_by=request.user, **form.cleaned_data)
            except DomainError as exc:
                form.add_error("day", str(exc))
            else:
                messages.success(
                    request, "Closure day added; due dates are being recalculated."
                )
                return redirect("cases:timescale-settings")
        return self.render_to_response(self.get_context_data(closure_form=form))


class ClosureDayDeleteView(LoginRequiredMixin, PermissionRequiredMixin, View):
    permission_required = "cases.manage_calendar"

    def post(self, request, pk):
        closure = get_object_or_404(LocalClosureDay, pk=pk)
        services.closure_day_remove(closure=closure, removed_by=request.user)
        messages.success(
            request, "Closure day removed; due dates are being recalculated."
        )
        return redirect("cases:timescale-settings")
