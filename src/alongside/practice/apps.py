from django.apps import AppConfig


class PracticeConfig(AppConfig):
    name = "alongside.practice"
    label = "practice"
    verbose_name = "Peer support practice"

    def ready(self) -> None:
        from alongside.practice import access  # noqa: F401  (registers scope rules)
