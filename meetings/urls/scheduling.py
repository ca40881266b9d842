from django.urls import path

from ..views import scheduling as views

urlpatterns = [
    path(
        "children/<int:pk>/meetings/",
        views.ChildMeetingsView.as_view(),
        name="child-meetings",
    ),
    path(
        "children/<int:pk>/meetings/book/",
        views.ReviewBookView.as_view(),
        name="review-book",
    ),
    path("meetings/", views.MeetingListView.as_view(), name="meeting-list"),
    path("meetings/caseload/", views.CaseloadView.as_view(), name="caseload"),
    path(
        "meetings/<int:pk>/", views.MeetingDetailView.as_view(), name="meeting-detail"
    ),
    path(
        "meetings/<int:pk>/rebook/",
        views.ReviewRebookView.as_view(),
        name="meeting-rebook",
    ),
    path(
        "meetings/<int:pk>/cancel-booking/",
        views.BookingCancelView.as_view(),
        name="meeting-cancel",
    ),
    path(
        "meetings/<int:pk>/hold/", views.MeetingHoldView.as_view(), name="meeting-hold"
    ),
    path(
        "meetings/<int:pk>/adjourn/",
        views.MeetingAdjournView.as_view(),
        name="meeting-adjourn",
    ),
    path(
        "meetings/<int:pk>/participants/new/",
        views.ParticipantCreateView.as_view(),
        name="participant-create",
    ),
    path(
        "meetings/<int:pk>/participants/<int:participant_pk>/",
        views.ParticipantUpdateView.as_view(),
        name="participant-update",
    ),
    path(
        "meetings/<int:pk>/reports/<int:expected_pk>/",
        views.ExpectedReportUpdateView.as_view(),
        name="expected-report-update",
    ),
    path(
        "meetings/<int:pk>/consultation/new/",
        views.ConsultationCreateView.as_view(),
        name="consultation-create",
    ),
    path(
        "meetings/<int:pk>/checklist/",
        views.ChecklistUpdateView.as_view(),
        name="checklist-update",
    ),
    path(
        "meetings/<int:pk>/actions/new/",
        views.ActionCreateView.as_view(),
        name="action-create",
    ),
    path(
        "meetings/<int:pk>/actions/<int:action_pk>/",
        views.ActionUpdateView.as_view(),
        name="action-update",
    ),
    path(
        "meetings/<int:pk>/actions/<int:action_pk>/progress/",
        views.ActionStatusView.as_view(),
        name="action-status",
    ),
]
