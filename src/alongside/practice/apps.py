from django.apps import AppConfig
from django.db.models.signals import post_migrate


class PracticeConfig(AppConfig):
    name = "alongside.practice"
    label = "practice"
    verbose_name = "Peer support practice"

    def ready(self) -> None:
        from alongside.practice import access, rollups  # noqa: F401  (access registers scope rules)

        rollups.connect()
        post_migrate.connect(rollups.build_if_missing, sender=self)
