from django.contrib import admin
from django.urls import include, path

from cases.views import HomeView

admin.site.site_header = "Reviewing service administration"

urlpatterns = [
    path("", HomeView.as_view(), name="home"),
    path("accounts/", include("accounts.urls")),
    path("", include("cases.urls")),
    path("", include("meetings.urls")),
    path("lado/", include("lado.urls")),
    path("reg44/", include("reg44.urls")),
    path("reporting/", include("reporting.urls")),
    path("admin/", admin.site.urls),
]

# A lost database answers 503 with a retry hint instead of the generic 500 page.
handler500 = "cases.error_pages.server_error"
