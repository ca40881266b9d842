from django.apps import AppConfig


class ReportingConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "reporting"
    verbose_name = "Reporting: dashboards, indicators and returns"
    # Every role that works to statutory timescales holds cases.view_timescales.
    nav_items = (
        ("cases.view_timescales", "reporting:my-work", "My work"),
        ("cases.view_dashboards", "reporting:dashboard", "Dashboard"),
        ("lado.view_lado_figures", "reporting:annual-lado", "LADO annual report"),
    )
