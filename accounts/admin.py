from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from simple_history.admin import SimpleHistoryAdmin

from .models import AccessLog, Team, User


@admin.register(User)
class UserAdmin(BaseUserAdmin, SimpleHistoryAdmin):
    list_display = ("username", "first_name", "last_name", "email", "team", "is_active")
    list_filter = ("groups", "is_active", "team")
    fieldsets = BaseUserAdmin.fieldsets + (
        ("Work", {"fields": ("job_title", "phone", "team")}),
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
