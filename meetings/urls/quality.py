from django.urls import path

from ..views import quality as views

urlpatterns = [
    path(
        "meetings/<int:pk>/quality-check/",
        views.QualityCheckView.as_view(),
        name="quality-check",
    ),
    path(
        "quality/checks/",
        views.QualityCheckListView.as_view(),
        name="quality-check-list",
    ),
    path(
        "quality/qa-meetings/",
        views.QAMeetingListView.as_view(),
        name="qa-meeting-list",
    ),
    path(
        "quality/qa-meetings/new/",
        views.QAMeetingCreateView.as_view(),
        name="qa-meeting-create",
    ),
    path(
        "quality/qa-meetings/<int:pk>/",
        views.QAMeetingDetailView.as_view(),
        name="qa-meeting-detail",
    ),
    path(
        "quality/panel-referrals/",
        views.PanelReferralListView.as_view(),
        name="panel-referral-list",
    ),
    path(
        "children/<int:pk>/panel-referrals/new/",
        views.PanelReferralCreateView.as_view(),
        name="panel-referral-create",
    ),
    path(
        "quality/panel-referrals/<int:pk>/outcome/",
        views.PanelReferralOutcomeView.as_view(),
        name="panel-referral-outcome",
    ),
    path(
        "quality/training-needs/new/",
        views.TrainingThemeCreateView.as_view(),
        name="training-theme-create",
    ),
]
