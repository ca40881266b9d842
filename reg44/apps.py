from django.apps import AppConfig


class Reg44Config(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "reg44"
    verbose_name = "Regulation 44 visits to children's homes"
