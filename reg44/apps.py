from django.apps import AppConfig


class Reg44Config(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "reg44"
    verbose_name = "Regulation 44 visits to children's homes"
    nav_items = (
        ("reg44.view_home", "reg44:home-list", "Children's homes"),
        ("reg44.view_reg44_overview", "reg44:overview", "Reg 44 overview"),
    )

    def ready(self):
        from cases.demo import demo_extension_register

        from .demo import demo_reg44_add

        demo_extension_register(demo_reg44_add)
