from django.apps import AppConfig


class WorkforceConfig(AppConfig):
    name = "alongside.workforce"
    label = "workforce"
    verbose_name = "Workforce and readiness"

    def ready(self) -> None:
        from alongside.workforce import access

        access.register()
