from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from simple_history.admin import SimpleHistoryAdmin

from . import services
from .errors import AccountError
from .models import AccessLog, Team, User


@admin.register(User)
class UserAdmin(BaseUserAdmin, SimpleHistoryAdmin):
    list_display = ("username", "first_name", "last_name", "email", "team", "is_active")
    list_filter = ("groups", "is_active", "team")
    fieldsets = BaseUserAdmin.fieldsets + (
        ("Work", {"fields": ("job_title", "phone", "team")}),
    )
    actions = ["end_sessions", "disable_accounts", "reset_mfa"]

    @admin.action(
        description="End all sessions of the selected users now",
        permissions=["change"],
    )
    def end_sessions(self, request, queryset):
        for user in queryset:
            services.user_sessions_end(user=user, by=request.user, request=request)
        self.message_user(
            request,
            f"Ended the sessions of {len(queryset)} user(s). They must sign in again.",
        )

    @admin.action(
        description="Disable the selected accounts and end their sessions now",
        permissions=["change"],
    )
    def disable_accounts(self, request, queryset):
        done = 0
        for user in queryset:
            try:
                services.user_disable(user=user, by=request.user, request=request)
            except AccountError as exc:
                self.message_user(request, str(exc), messages.ERROR)
            else:
                done += 1
        if done:
            self.message_user(
                request, f"Disabled {done} account(s) and ended their sessions."
            )

    @admin.action(
        description="Reset multi-factor sign-in of the selected users",
        permissions=["change"],
    )
    def reset_mfa(self, request, queryset):
        for user in queryset:
            services.mfa_reset(user=user, by=request.user, request=request)
        self.message_user(
            request,
            f"Reset multi-factor sign-in for {len(queryset)} user(s) and ended their "
            "sessions. They set it up again at their next sign-in.",
        )


@admin.register(Team)
class TeamAdmin(SimpleHistoryAdmin):
    list_display = ("name", "kind", "manager")
    list_filter = ("kind",)


@admin.register(AccessLog)
class AccessLogAdmin(admin.ModelAdmin):
    list_display = ("at", "username", "action", "object_repr", "path", "ip_address")
    list_filter = ("action",)
    search_fields = ("username", "object_repr", "path")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
