from django.urls import path

from ..views import oversight as views

urlpatterns = [
    path(
        "children/<int:pk>/oversight/",
        views.ChildOversightView.as_view(),
        name="child-oversight",
    ),
    path(
        "children/<int:pk>/oversight/notes/new/",
        views.MonitoringNoteCreateView.as_view(),
        name="monitoring-note-create",
    ),
    path(
        "children/<int:pk>/oversight/notes/<int:note_pk>/correct/",
        views.MonitoringNoteCorrectView.as_view(),
        name="monitoring-note-correct",
    ),
    path(
        "children/<int:pk>/disputes/new/",
        views.DisputeCreateView.as_view(),
        name="dispute-create",
    ),
    path(
        "children/<int:pk>/complaints/new/",
        views.ComplaintCreateView.as_view(),
        name="complaint-create",
    ),
    path(
        "children/<int:pk>/complaints/<int:complaint_pk>/outcome/",
        views.ComplaintOutcomeView.as_view(),
        name="complaint-outcome",
    ),
    path(
        "meetings/<int:pk>/actions/<int:action_pk>/dispute/",
        views.ActionDisputeCreateView.as_view(),
        name="action-dispute-create",
    ),
    path("meetings/disputes/", views.DisputeListView.as_view(), name="dispute-list"),
    path(
        "meetings/disputes/<int:pk>/",
        views.DisputeDetailView.as_view(),
        name="dispute-detail",
    ),
    path(
        "meetings/disputes/<int:pk>/escalate/",
        views.DisputeEscalateView.as_view(),
        name="dispute-escalate",
    ),
    path(
        "meetings/disputes/<int:pk>/close/",
        views.DisputeResolveView.as_view(),
        name="dispute-resolve",
    ),
    path(
        "meetings/disputes/<int:pk>/cafcass/",
        views.DisputeCafcassView.as_view(),
        name="dispute-cafcass",
    ),
    path(
        "meetings/disputes/<int:pk>/steps/<int:step_pk>/respond/",
        views.DisputeStepRespondView.as_view(),
        name="dispute-step-respond",
    ),
]
