from django.apps import AppConfig


class AccountsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "accounts"
    verbose_name = "Accounts and access"

    def ready(self):
        from django.contrib.auth.signals import user_logged_in
        from django.db.models.signals import post_migrate

        from . import roles, sessions

        # Keeping role groups in step with the declared permissions is
        # reference-data upkeep, not business logic. It runs after every app's
        # migrations (and after test flushes), because permissions are created
        # app by app: the last run sees them all.
        post_migrate.connect(
            roles.sync_role_groups_handler, dispatch_uid="accounts.sync_role_groups"
        )
        # Every way of signing in (the sign-in page, the admin's, a test
        # client) stamps the session that the middleware then checks.
        user_logged_in.connect(
            sessions.user_logged_in_handler, dispatch_uid="accounts.session_begin"
        )
