from django.apps import AppConfig


class CasesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "cases"
    verbose_name = "Children's records"
    # (permission, URL name, label) for the navigation bar.
    nav_items = (
        ("cases.review_breakglass", "cases:breakglass-queue", "Emergency access"),
        ("cases.review_retention", "cases:retention-review", "Retention"),
    )
