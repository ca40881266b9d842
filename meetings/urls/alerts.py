from django.urls import path

from ..views import alerts as views

urlpatterns = [
    path(
        "children/<int:pk>/practice-alerts/new/",
        views.PracticeAlertCreateView.as_view(),
        name="alert-create",
    ),
    path(
        "children/<int:pk>/good-practice/new/",
        views.GoodPracticeCreateView.as_view(),
        name="good-practice-create",
    ),
    path("quality/alerts/", views.PracticeAlertListView.as_view(), name="alert-list"),
    path(
        "quality/alerts/<int:pk>/",
        views.PracticeAlertDetailView.as_view(),
        name="alert-detail",
    ),
    path(
        "quality/alerts/<int:pk>/respond/",
        views.PracticeAlertRespondView.as_view(),
        name="alert-respond",
    ),
    path(
        "quality/alerts/<int:pk>/comment/",
        views.PracticeAlertCommentView.as_view(),
        name="alert-comment",
    ),
    path(
        "quality/alerts/<int:pk>/chase/",
        views.PracticeAlertChaseView.as_view(),
        name="alert-chase",
    ),
    path(
        "quality/alerts/<int:pk>/escalate/",
        views.PracticeAlertEscalateView.as_view(),
        name="alert-escalate",
    ),
    path(
        "quality/good-practice/",
        views.GoodPracticeListView.as_view(),
        name="good-practice-list",
    ),
]
