from django.apps import AppConfig


class OrganisationConfig(AppConfig):
    name = "alongside.organisation"
    label = "organisation"
    verbose_name = "Organisation"

    def ready(self) -> None:
        from alongside.organisation import access  # noqa: F401  (registers scope rules)
