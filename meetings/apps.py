from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "meetings"
    verbose_name = "Meetings, records and oversight"
    # Child protection work, and the minute-taker's own list of conferences.
    nav_items = (
        ("meetings.view_meeting", "meetings:cp-list", "Child protection"),
        ("meetings.take_minutes", "meetings:minutes-list", "My minutes"),
        ("meetings.raise_practice_alerts", "meetings:alert-list", "Practice alerts"),
        ("meetings.record_qa", "meetings:quality-check-list", "Quality assurance"),
    )

    def ready(self):
        from cases.demo import demo_extension_register

        from .demo import demo_cp_add, demo_meetings_add

        demo_extension_register(demo_meetings_add)
        demo_extension_register(demo_cp_add)

        from .demo_alerts import demo_alerts_add

        demo_extension_register(demo_alerts_add)

        from .demo_quality import demo_quality_add

        demo_extension_register(demo_quality_add)
