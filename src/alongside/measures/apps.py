from django.apps import AppConfig


class MeasuresConfig(AppConfig):
    name = "alongside.measures"
    label = "measures"
    verbose_name = "Outcome measures"

    def ready(self) -> None:
        from alongside.measures import access, queries
        from alongside.practice.extensions import register_due_provider

        access.register()
        register_due_provider(queries.measures_due)
