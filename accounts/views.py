from base64 import b32encode

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse, reverse_lazy
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.generic import FormView, ListView, TemplateView
from django_otp import login as otp_login

from . import selectors, services, sessions
from .errors import AccountError
from .forms import BackupCodeForm, OneTimeCodeForm
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


# ------------------------------------------------------------ multi-factor sign-in


def _next_url(request) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        candidate,
        allowed_hosts={request.get_host()},
        require_https=request.is_secure(),
    ):
        return candidate
    return reverse(settings.LOGIN_REDIRECT_URL)


def _second_factor_passed(request, device) -> None:
    # A new session key once the second factor is passed, as after a password.
    request.session.cycle_key()
    otp_login(request, device)
    request.session[sessions.HAS_SECOND_FACTOR] = True


def _qr_svg(data: str) -> str:
    image = qrcode.make(data, image_factory=qrcode.image.svg.SvgPathImage)
    return image.to_string(encoding="unicode")


# Secrets and codes on these pages must not stay in any cache.
@method_decorator(never_cache, name="dispatch")
class MfaEnrolView(LoginRequiredMixin, FormView):
    """Set up an authenticator app: scan, type the first code, keep the backup codes."""

    form_class = OneTimeCodeForm
    template_name = "accounts/mfa_enrol.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and selectors.user_has_second_factor(
            user=request.user
        ):
            if request.user.is_verified():
                messages.info(request, "Multi-factor sign-in is already set up.")
                return redirect("accounts:security")
            return redirect(
                f"{reverse('accounts:mfa-verify')}?{request.GET.urlencode()}"
            )
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        device = services.mfa_totp_device_pending(user=self.request.user)
        secret = b32encode(device.bin_key).decode()
        context.update(
            qr_svg=_qr_svg(device.config_url),
            secret=" ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
            next=_next_url(self.request),
            required=settings.MFA_REQUIRED,
        )
        return context

    def form_valid(self, form):
        try:
            device, codes = services.mfa_enrol_confirm(
                user=self.request.user,
                token=form.cleaned_data["token"],
                request=self.request,
            )
        except AccountError as exc:
            form.add_error("token", str(exc))
            return self.form_invalid(form)
        _second_factor_passed(self.request, device)
        # Shown once, in this response only: the codes are never shown again.
        return TemplateResponse(
            self.request,
            "accounts/mfa_backup_codes.html",
            {"codes": codes, "next": _next_url(self.request), "first_time": True},
        )


@method_decorator(never_cache, name="dispatch")
class MfaVerifyView(LoginRequiredMixin, FormView):
    """The second step of signing in: a code from the authenticator app."""

    form_class = OneTimeCodeForm
    template_name = "accounts/mfa_verify.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            if request.user.is_verified():
                return redirect(_next_url(request))
            if not selectors.user_has_second_factor(user=request.user):
                return redirect(
                    f"{reverse('accounts:mfa-enrol')}?{request.GET.urlencode()}"
                )
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["next"] = _next_url(self.request)
        return context

    def form_valid(self, form):
        device = services.mfa_verify(
            user=self.request.user,
            token=form.cleaned_data["token"],
            request=self.request,
        )
        if device is None:
            form.add_error(
                "token",
                "That code was not accepted. Enter the code the app shows now; "
                "after several wrong codes each new try must wait a little longer.",
            )
            return self.form_invalid(form)
        _second_factor_passed(self.request, device)
        return redirect(_next_url(self.request))


@method_decorator(never_cache, name="dispatch")
class MfaRecoverView(LoginRequiredMixin, FormView):
    """Sign in with a backup code when the authenticator app is not at hand."""

    form_class = BackupCodeForm
    template_name = "accounts/mfa_recover.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and request.user.is_verified():
            return redirect(_next_url(request))
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["next"] = _next_url(self.request)
        return context

    def form_valid(self, form):
        device = services.mfa_recover(
            user=self.request.user,
            code=form.cleaned_data["code"],
            request=self.request,
        )
        if device is None:
            form.add_error(
                "code",
                "That backup code was not accepted. Each code works only once; "
                "check for typing mistakes.",
            )
            return self.form_invalid(form)
        _second_factor_passed(self.request, device)
        left = selectors.user_backup_codes_left(user=self.request.user)
        messages.warning(
            self.request,
            f"You signed in with a backup code; {left} left. Replace your codes "
            "on the Security page if you are running low or have lost your phone.",
        )
        return redirect(_next_url(self.request))


class SecurityView(LoginRequiredMixin, TemplateView):
    """The user's own sign-in settings: multi-factor, backup codes, password."""

    template_name = "accounts/security.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context.update(
            has_second_factor=selectors.user_has_second_factor(user=user),
            codes_left=selectors.user_backup_codes_left(user=user),
            required=settings.MFA_REQUIRED,
        )
        return context


@method_decorator(never_cache, name="dispatch")
class MfaBackupCodesRenewView(LoginRequiredMixin, View):
    """Replace the backup codes and show the new ones once."""

    def post(self, request):
        try:
            codes = services.mfa_backup_codes_renew(user=request.user, request=request)
        except AccountError as exc:
            messages.error(request, str(exc))
            return redirect("accounts:security")
        return TemplateResponse(
            request,
            "accounts/mfa_backup_codes.html",
            {"codes": codes, "next": reverse("accounts:security"), "first_time": False},
        )


class PasswordChangeView(LoginRequiredMixin, auth_views.PasswordChangeView):
    """Change one's password; every other session of the account ends."""

    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:security")

    def form_valid(self, form):
        user = services.user_password_change(
            user=form.user,
            password=form.cleaned_data["new_password1"],
            request=self.request,
        )
        update_session_auth_hash(self.request, user)
        self.request.session[sessions.EPOCH] = user.session_epoch
        messages.success(
            self.request,
            "Your password has been changed. Any other sessions have been signed out.",
        )
        return redirect(self.get_success_url())
