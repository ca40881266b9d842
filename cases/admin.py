from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from accounts.models import AccessLog
from accounts.services import access_log_record

from .models import (
    Allocation,
    CareEpisode,
    Child,
    CPPlanEpisode,
    KeyPerson,
    LocalClosureDay,
    PendingTask,
    TimescaleSetting,
    WorkerHeartbeat,
)


class CareEpisodeInline(admin.TabularInline):
    model = CareEpisode
    extra = 0


class CPPlanInline(admin.TabularInline):
    model = CPPlanEpisode
    extra = 0


@admin.register(Child)
class ChildAdmin(SimpleHistoryAdmin):
    list_display = ("la_child_id", "first_name", "last_name", "date_of_birth")
    search_fields = ("la_child_id", "first_name", "last_name")
    inlines = [CareEpisodeInline, CPPlanInline]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        # Opening a child in the admin is a view of the record like any other.
        child = self.get_object(request, object_id)
        if child is not None:
            access_log_record(
                user=request.user,
                action=AccessLog.Action.VIEW,
                obj=child,
                request=request,
                detail="admin",
            )
        return super().change_view(request, object_id, form_url, extra_context)


@admin.register(Allocation)
class AllocationAdmin(SimpleHistoryAdmin):
    list_display = ("child", "role", "worker", "worker_name", "started_on", "ended_on")
    list_filter = ("role",)
    raw_id_fields = ("child", "worker")


@admin.register(KeyPerson)
class KeyPersonAdmin(SimpleHistoryAdmin):
    list_display = ("name", "relationship", "child")
    raw_id_fields = ("child",)


@admin.register(LocalClosureDay)
class LocalClosureDayAdmin(SimpleHistoryAdmin):
    list_display = ("day", "name", "added_by")


@admin.register(TimescaleSetting)
class TimescaleSettingAdmin(SimpleHistoryAdmin):
    list_display = ("code", "amount", "updated_by", "updated_at")


@admin.register(PendingTask)
class PendingTaskAdmin(admin.ModelAdmin):
    list_display = ("task_name", "args", "created_at", "attempts", "relayed_at")
    list_filter = ("task_name", ("relayed_at", admin.EmptyFieldListFilter))
    readonly_fields = [f.name for f in PendingTask._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(WorkerHeartbeat)
class WorkerHeartbeatAdmin(admin.ModelAdmin):
    list_display = ("name", "seen_at")
    readonly_fields = ("name", "seen_at")

    def has_add_permission(self, request):
        return False
