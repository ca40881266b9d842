from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("sign-in/", views.SignInView.as_view(), name="login"),
    path("sign-out/", views.SignOutView.as_view(), name="logout"),
    path("access-log/", views.AccessLogListView.as_view(), name="access-log"),
    path("security/", views.SecurityView.as_view(), name="security"),
    path(
        "security/password/", views.PasswordChangeView.as_view(), name="password-change"
    ),
    path("mfa/set-up/", views.MfaEnrolView.as_view(), name="mfa-enrol"),
    path("mfa/verify/", views.MfaVerifyView.as_view(), name="mfa-verify"),
    path("mfa/backup-code/", views.MfaRecoverView.as_view(), name="mfa-recover"),
    path(
        "mfa/backup-codes/renew/",
        views.MfaBackupCodesRenewView.as_view(),
        name="mfa-backup-codes-renew",
    ),
]
