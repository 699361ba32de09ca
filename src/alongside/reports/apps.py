from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "alongside.reports"
    label = "reports"
    verbose_name = "Reports and programme dashboard"
