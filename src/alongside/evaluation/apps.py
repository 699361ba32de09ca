from django.apps import AppConfig


class EvaluationConfig(AppConfig):
    name = "alongside.evaluation"
    label = "evaluation"
    verbose_name = "Evaluation studies"

    def ready(self) -> None:
        from alongside.evaluation import (
            access,
            checks,  # noqa: F401  (registers the system checks)
        )

        access.register()
