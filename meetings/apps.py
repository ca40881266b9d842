from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "meetings"
    verbose_name = "Meetings, records and oversight"

    def ready(self):
        from cases.demo import demo_extension_register

        from .demo import demo_meetings_add

        demo_extension_register(demo_meetings_add)
