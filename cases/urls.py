from django.urls import path

from . import views, views_breakglass, views_retention

app_name = "cases"

urlpatterns = [
    path("children/", views.ChildListView.as_view(), name="child-list"),
    path("children/new/", views.ChildCreateView.as_view(), name="child-create"),
    path("children/<int:pk>/", views.ChildDetailView.as_view(), name="child-detail"),
    path(
        "children/<int:pk>/edit/", views.ChildUpdateView.as_view(), name="child-update"
    ),
    path(
        "children/<int:pk>/audit/", views.ChildAuditView.as_view(), name="child-audit"
    ),
    path(
        "children/<int:pk>/episodes/new/",
        views.CareEpisodeCreateView.as_view(),
        name="episode-create",
    ),
    path(
        "children/<int:pk>/episodes/<int:episode_pk>/edit/",
        views.CareEpisodeUpdateView.as_view(),
        name="episode-update",
    ),
    path(
        "children/<int:pk>/episodes/<int:episode_pk>/end/",
        views.CareEpisodeEndView.as_view(),
        name="episode-end",
    ),
    path(
        "children/<int:pk>/plans/new/",
        views.CPPlanCreateView.as_view(),
        name="plan-create",
    ),
    path(
        "children/<int:pk>/plans/<int:plan_pk>/edit/",
        views.CPPlanUpdateView.as_view(),
        name="plan-update",
    ),
    path(
        "children/<int:pk>/plans/<int:plan_pk>/end/",
        views.CPPlanEndView.as_view(),
        name="plan-end",
    ),
    path(
        "children/<int:pk>/allocations/new/",
        views.AllocationCreateView.as_view(),
        name="allocation-create",
    ),
    path(
        "children/<int:pk>/people/new/",
        views.KeyPersonCreateView.as_view(),
        name="person-create",
    ),
    path(
        "children/<int:pk>/people/<int:person_pk>/edit/",
        views.KeyPersonUpdateView.as_view(),
        name="person-update",
    ),
    path(
        "children/<int:pk>/people/<int:person_pk>/delete/",
        views.KeyPersonDeleteView.as_view(),
        name="person-delete",
    ),
    path(
        "children/<int:pk>/emergency-access/",
        views_breakglass.BreakGlassRequestView.as_view(),
        name="breakglass-request",
    ),
    path(
        "children/emergency-access/",
        views_breakglass.BreakGlassQueueView.as_view(),
        name="breakglass-queue",
    ),
    path(
        "children/emergency-access/<int:pk>/review/",
        views_breakglass.BreakGlassReviewView.as_view(),
        name="breakglass-review",
    ),
    path(
        "timescales/",
        views.TimescaleCalculatorView.as_view(),
        name="timescale-calculator",
    ),
    path(
        "timescales/settings/",
        views.TimescaleSettingsView.as_view(),
        name="timescale-settings",
    ),
    path(
        "timescales/closures/<int:pk>/delete/",
        views.ClosureDayDeleteView.as_view(),
        name="closure-delete",
    ),
]

urlpatterns += [
    path(
        "retention/",
        views_retention.RetentionReviewView.as_view(),
        name="retention-review",
    ),
    path(
        "retention/schedule/",
        views_retention.RetentionScheduleView.as_view(),
        name="retention-schedule",
    ),
    path(
        "retention/disposals/",
        views_retention.DisposalRecordListView.as_view(),
        name="disposal-list",
    ),
    path(
        "retention/<slug:record_type>/<int:object_id>/hold/",
        views_retention.LegalHoldPlaceView.as_view(),
        name="legal-hold-place",
    ),
    path(
        "retention/<slug:record_type>/<int:object_id>/dispose/",
        views_retention.RecordDisposeView.as_view(),
        name="record-dispose",
    ),
    path(
        "retention/holds/<int:pk>/lift/",
        views_retention.LegalHoldLiftView.as_view(),
        name="legal-hold-lift",
    ),
]
