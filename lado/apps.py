from django.apps import AppConfig


class LadoConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "lado"
    verbose_name = "LADO: allegations against people who work with children"
    # The LADO's home is their own list; managers reach all allegations and figures.
    nav_items = (
        ("lado.add_allegation", "lado:my-allegations", "My allegations"),
        ("lado.view_allegation", "lado:allegation-list", "Allegations"),
        ("lado.view_lado_figures", "lado:figures", "LADO figures"),
    )

    def ready(self):
        from cases.demo import demo_extension_register

        from .demo import demo_allegations_add

        demo_extension_register(demo_allegations_add)
