"""Emergency (break-glass) access: the request form and the managers' review queue."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.views.generic import FormView, TemplateView

from accounts.models import AccessLog
from accounts.responses import out_of_scope_response
from accounts.services import access_log_record

from . import breakglass, selectors
from .errors import DomainError
from .forms_breakglass import BreakGlassRequestForm, BreakGlassReviewForm
from .models import BreakGlassGrant, Child


class BreakGlassRequestView(LoginRequiredMixin, FormView):
    """Ask for emergency access to a child outside one's scope, giving a reason."""

    form_class = BreakGlassRequestForm
    template_name = "cases/breakglass_request.html"

    @cached_property
    def child(self) -> Child | None:
        return Child.objects.filter(pk=self.kwargs["pk"]).first()

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return super().dispatch(request, *args, **kwargs)
        visible = selectors.child_list_visible_to(user=request.user)
        if visible.filter(pk=self.kwargs["pk"]).exists():
            messages.info(request, "This record is already open to you.")
            return redirect("cases:child-detail", pk=self.kwargs["pk"])
        if not breakglass.is_eligible(user=request.user):
            return out_of_scope_response(
                request, model=Child, object_id=self.kwargs["pk"]
            )
        return super().dispatch(request, *args, **kwargs)

    def form_valid(self, form):
        if self.child is None:
            return out_of_scope_response(
                self.request, model=Child, object_id=self.kwargs["pk"]
            )
        try:
            grant = breakglass.breakglass_grant_request(
                user=self.request.user,
                child=self.child,
                reason=form.cleaned_data["reason"],
                request=self.request,
            )
        except DomainError as exc:
            form.add_error(None, str(exc))
            return self.form_invalid(form)
        messages.warning(
            self.request,
            "Emergency access granted until "
            f"{timezone.localtime(grant.expires_at):%H:%M on %d/%m/%Y}. Every page "
            "you open is logged, and a manager will review this access.",
        )
        return redirect(self.child)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["grant_hours"] = breakglass.grant_hours()
        context["record_number"] = self.kwargs["pk"]
        return context


class BreakGlassQueueView(LoginRequiredMixin, PermissionRequiredMixin, TemplateView):
    """Managers' list of emergency access grants, those awaiting review first."""

    permission_required = "cases.review_breakglass"
    template_name = "cases/breakglass_queue.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        show_all = self.request.GET.get("show") == "all"
        context["queue"] = breakglass.breakglass_review_queue(pending_only=not show_all)
        context["show_all"] = show_all
        context["now"] = timezone.now()
        return context


class BreakGlassReviewView(LoginRequiredMixin, PermissionRequiredMixin, FormView):
    """A manager records whether one grant was appropriate."""

    permission_required = "cases.review_breakglass"
    form_class = BreakGlassReviewForm
    template_name = "cases/breakglass_review.html"

    @cached_property
    def grant(self) -> BreakGlassGrant:
        return get_object_or_404(
            BreakGlassGrant.objects.select_related("user", "child", "reviewed_by"),
            pk=self.kwargs["pk"],
        )

    def get(self, request, *args, **kwargs):
        access_log_record(
            user=request.user,
            action=AccessLog.Action.VIEW,
            obj=self.grant.child,
            request=request,
            detail=f"Review of {breakglass.audit_detail(self.grant)}",
        )
        return super().get(request, *args, **kwargs)

    def form_valid(self, form):
        try:
            breakglass.breakglass_grant_review(
                grant=self.grant,
                by=self.request.user,
                outcome=form.cleaned_data["outcome"],
                note=form.cleaned_data["note"],
            )
        except DomainError as exc:
            form.add_error(None, str(exc))
            return self.form_invalid(form)
        messages.success(self.request, "Review recorded.")
        return redirect("cases:breakglass-queue")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        grant = self.grant
        context["grant"] = grant
        context["accesses"] = AccessLog.objects.filter(
            user_id=grant.user_id,
            object_id=str(grant.child_id),
            detail=breakglass.audit_detail(grant),
        ).order_by("at", "id")[:500]
        context["queue_url"] = reverse("cases:breakglass-queue")
        context["now"] = timezone.now()
        return context
