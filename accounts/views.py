from django.contrib.auth import views as auth_views
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.views.generic import ListView

from .models import AccessLog
from .services import access_log_record


class SignInView(auth_views.LoginView):
    template_name = "accounts/sign_in.html"
    redirect_authenticated_user = True

    def form_valid(self, form):
        response = super().form_valid(form)
        access_log_record(
            user=self.request.user,
            action=AccessLog.Action.SIGN_IN,
            request=self.request,
        )
        return response


class SignOutView(auth_views.LogoutView):
    def post(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            access_log_record(
                user=request.user, action=AccessLog.Action.SIGN_OUT, request=request
            )
        return super().post(request, *args, **kwargs)


class AccessLogListView(LoginRequiredMixin, PermissionRequiredMixin, ListView):
    permission_required = "cases.view_child_audit"
    template_name = "accounts/access_log.html"
    paginate_by = 50
    context_object_name = "entries"

    def get_queryset(self):
        queryset = AccessLog.objects.select_related("content_type")
        action = self.request.GET.get("action")
        if action in AccessLog.Action.values:
            queryset = queryset.filter(action=action)
        username = self.request.GET.get("user", "").strip()
        if username:
            queryset = queryset.filter(username__iexact=username)
        return queryset

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["actions"] = AccessLog.Action.choices
        context["chosen_action"] = self.request.GET.get("action", "")
        context["chosen_user"] = self.request.GET.get("user", "")
        return context
