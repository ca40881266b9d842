from django.apps import AppConfig


class LadoConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "lado"
    verbose_name = "LADO: allegations against people who work with children"
