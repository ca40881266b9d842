from django.urls import path

from . import views

app_name = "reg44"

urlpatterns = [
    path("", views.HomeListView.as_view(), name="home-list"),
    path("overview/", views.OverviewView.as_view(), name="overview"),
    path("homes/new/", views.HomeCreateView.as_view(), name="home-create"),
    path("homes/<int:pk>/", views.HomeDetailView.as_view(), name="home-detail"),
    path("homes/<int:pk>/edit/", views.HomeUpdateView.as_view(), name="home-update"),
    path(
        "homes/<int:pk>/visitors/new/",
        views.AssignmentCreateView.as_view(),
        name="assignment-create",
    ),
    path(
        "homes/<int:pk>/visitors/<int:visitor_assignment_pk>/end/",
        views.AssignmentEndView.as_view(),
        name="assignment-end",
    ),
    path(
        "homes/<int:pk>/visits/new/",
        views.VisitCreateView.as_view(),
        name="visit-create",
    ),
    path("visits/<int:pk>/", views.VisitDetailView.as_view(), name="visit-detail"),
    path(
        "visits/<int:pk>/record/", views.VisitUpdateView.as_view(), name="visit-update"
    ),
    path(
        "visits/<int:pk>/recommendations/new/",
        views.RecommendationCreateView.as_view(),
        name="recommendation-create",
    ),
    path(
        "visits/<int:pk>/recommendations/<int:reg44_recommendation_pk>/edit/",
        views.RecommendationUpdateView.as_view(),
        name="recommendation-update",
    ),
    path(
        "visits/<int:pk>/recommendations/<int:reg44_recommendation_pk>/delete/",
        views.RecommendationDeleteView.as_view(),
        name="recommendation-delete",
    ),
    path(
        "visits/<int:pk>/recommendations/<int:reg44_recommendation_pk>/response/",
        views.RecommendationResponseView.as_view(),
        name="recommendation-response",
    ),
    path("visits/<int:pk>/follow-up/", views.FollowUpView.as_view(), name="follow-up"),
    path(
        "visits/<int:pk>/approve/",
        views.VisitApproveView.as_view(),
        name="visit-approve",
    ),
    path("visits/<int:pk>/amend/", views.VisitAmendView.as_view(), name="visit-amend"),
    path(
        "visits/<int:pk>/reports/v<int:report_version>.pdf",
        views.ReportPdfView.as_view(),
        name="report-pdf",
    ),
    path(
        "visits/<int:pk>/reports/v<int:report_version>/send/",
        views.ReportDistributeView.as_view(),
        name="report-distribute",
    ),
    path(
        "visits/<int:pk>/sendings/<int:reg44_sending_pk>/resend/",
        views.SendingResendView.as_view(),
        name="sending-resend",
    ),
]
