from django.urls import path

from . import views

app_name = "reporting"

urlpatterns = [
    path("my-work/", views.MyWorkView.as_view(), name="my-work"),
    path("dashboard/", views.DashboardView.as_view(), name="dashboard"),
    path(
        "dashboard/indicators/<slug:code>/",
        views.IndicatorListView.as_view(),
        name="indicator-list",
    ),
    path(
        "dashboard/returns-check/",
        views.ReturnsCheckView.as_view(),
        name="returns-check",
    ),
    path(
        "dashboard/caseload.csv",
        views.CaseloadExportView.as_view(),
        name="caseload-export",
    ),
]
