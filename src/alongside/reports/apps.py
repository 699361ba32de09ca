from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "alongside.reports"
    label = "reports"
    verbose_name = "Reports and programme dashboard"

    def ready(self) -> None:
        from alongside.reports import changes

        changes.connect()
