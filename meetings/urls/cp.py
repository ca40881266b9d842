from django.urls import path

from ..views import cp as views

C = "children/<int:pk>/"
M = "meetings/<int:pk>/"
MIN = M + "minutes/<int:minutes_pk>/"
S = M + "sendings/<int:cp_sending_pk>/"

urlpatterns = [
    path("child-protection/", views.CPListView.as_view(), name="cp-list"),
    path("minutes/", views.MinutesListView.as_view(), name="minutes-list"),
    path(C + "child-protection/", views.ChildCPView.as_view(), name="child-cp"),
    path(
        C + "strategy-discussions/new/",
        views.StrategyCreateView.as_view(),
        name="strategy-create",
    ),
    path(
        C + "transfer-in/new/",
        views.TransferInCreateView.as_view(),
        name="transfer-in-create",
    ),
    path(
        C + "meetings/arrange/",
        views.MeetingArrangeView.as_view(),
        name="meeting-arrange",
    ),
    path(
        "strategy-discussions/<int:pk>/",
        views.StrategyDetailView.as_view(),
        name="strategy-detail",
    ),
    path(
        M + "overview/", views.CPMeetingDetailView.as_view(), name="cp-meeting-detail"
    ),
    path(M + "book-owed/", views.CPBookView.as_view(), name="cp-book"),
    path(
        M + "minute-taker/",
        views.MinuteTakerAssignView.as_view(),
        name="cp-minute-taker",
    ),
    path(M + "record-held/", views.CPHoldView.as_view(), name="cp-hold"),
    path(M + "close/", views.CPCloseView.as_view(), name="cp-close"),
    path(
        M + "exclusions/new/",
        views.ExclusionCreateView.as_view(),
        name="exclusion-create",
    ),
    path(
        M + "reports/request/",
        views.ReportRequestView.as_view(),
        name="cp-report-request",
    ),
    path(
        M + "outline-plan/send/",
        views.OutlinePlanSendView.as_view(),
        name="outline-plan-send",
    ),
    path(M + "sendings/", views.CPLedgerView.as_view(), name="cp-ledger"),
    path(S + "pdf/", views.CPSendingPdfView.as_view(), name="cp-sending-pdf"),
    path(S + "resend/", views.CPSendingResendView.as_view(), name="cp-sending-resend"),
    path(
        S + "sent/", views.CPSendingMarkSentView.as_view(), name="cp-sending-mark-sent"
    ),
    path(M + "minutes/start/", views.MinutesStartView.as_view(), name="minutes-start"),
    path(
        M + "minutes/send/",
        views.MinutesDistributeView.as_view(),
        name="minutes-distribute",
    ),
    path(MIN, views.MinutesDetailView.as_view(), name="minutes-detail"),
    path(MIN + "edit/", views.MinutesEditView.as_view(), name="minutes-edit"),
    path(
        MIN + "autosave/", views.MinutesAutosaveView.as_view(), name="minutes-autosave"
    ),
    path(MIN + "submit/", views.MinutesSubmitView.as_view(), name="minutes-submit"),
    path(MIN + "approve/", views.MinutesApproveView.as_view(), name="minutes-approve"),
    path(MIN + "return/", views.MinutesReturnView.as_view(), name="minutes-return"),
    path(MIN + "amend/", views.MinutesAmendView.as_view(), name="minutes-amend"),
    path(MIN + "minutes.pdf", views.MinutesPdfView.as_view(), name="minutes-pdf"),
]
