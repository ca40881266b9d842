from django.urls import path

from . import views

app_name = "lado"

_A = "allegations/<int:pk>/"
_M = _A + "meetings/<int:lado_meeting_pk>/"
_V = _M + "minutes/<int:lado_minutes_pk>/"

urlpatterns = [
    path("", views.MyAllegationListView.as_view(), name="my-allegations"),
    path("allegations/", views.AllegationListView.as_view(), name="allegation-list"),
    path(
        "allegations/new/",
        views.AllegationCreateView.as_view(),
        name="allegation-create",
    ),
    path(_A, views.AllegationDetailView.as_view(), name="allegation-detail"),
    path(_A + "edit/", views.AllegationUpdateView.as_view(), name="allegation-update"),
    path(
        _A + "children/new/",
        views.InvolvedChildCreateView.as_view(),
        name="child-create",
    ),
    path(
        _A + "children/<int:lado_child_pk>/remove/",
        views.InvolvedChildDeleteView.as_view(),
        name="child-remove",
    ),
    path(
        _A + "matches/<int:lado_match_pk>/",
        views.SubjectMatchDecideView.as_view(),
        name="match-decide",
    ),
    path(_A + "decision/", views.DecisionView.as_view(), name="allegation-decide"),
    path(_A + "management/", views.ManagementView.as_view(), name="allegation-manage"),
    path(
        _A + "meetings/new/", views.MeetingCreateView.as_view(), name="meeting-create"
    ),
    path(_M, views.MeetingDetailView.as_view(), name="meeting-detail"),
    path(_M + "edit/", views.MeetingUpdateView.as_view(), name="meeting-update"),
    path(
        _M + "attendees/new/",
        views.AttendeeCreateView.as_view(),
        name="attendee-create",
    ),
    path(_M + "actions/new/", views.ActionCreateView.as_view(), name="action-create"),
    path(
        _A + "actions/<int:lado_action_pk>/done/",
        views.ActionCompleteView.as_view(),
        name="action-complete",
    ),
    path(_M + "minutes/issue/", views.MinutesIssueView.as_view(), name="minutes-issue"),
    path(_V + "pdf/", views.MinutesPdfView.as_view(), name="minutes-pdf"),
    path(
        _V + "send/",
        views.MinutesDistributeView.as_view(),
        name="minutes-distribute",
    ),
    path(
        _V + "sendings/<int:lado_distribution_pk>/resend/",
        views.MinutesResendView.as_view(),
        name="minutes-resend",
    ),
    path(_A + "outcome/", views.OutcomeView.as_view(), name="allegation-outcome"),
    path(_A + "close/", views.CloseView.as_view(), name="allegation-close"),
    path(_A + "hold/", views.LegalHoldPlaceView.as_view(), name="hold-place"),
    path(_A + "hold/lift/", views.LegalHoldLiftView.as_view(), name="hold-lift"),
    path("figures/", views.FiguresView.as_view(), name="figures"),
    path("figures.csv", views.FiguresCsvView.as_view(), name="figures-csv"),
    path("patterns/", views.PatternsView.as_view(), name="patterns"),
]
