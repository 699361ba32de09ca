from django.apps import AppConfig


class QualitativeConfig(AppConfig):
    name = "alongside.qualitative"
    label = "qualitative"
    verbose_name = "Qualitative analysis"

    def ready(self) -> None:
        from alongside.qualitative import access

        access.register()
