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
    path(
        "annual-reports/iro/",
        views.IroAnnualReportView.as_view(),
        name="annual-iro",
    ),
    path(
        "annual-reports/lado/",
        views.LadoAnnualReportView.as_view(),
        name="annual-lado",
    ),
]

from . import views_themes  # noqa: E402

urlpatterns += [
    path("themes/", views_themes.ThemesView.as_view(), name="themes"),
    path(
        "themes/export.csv",
        views_themes.ThemesExportView.as_view(),
        name="themes-csv",
    ),
    path(
        "themes/section.pdf",
        views_themes.ThemesPdfView.as_view(),
        name="themes-pdf",
    ),
]
