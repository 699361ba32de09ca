from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "alongside.core"
    label = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from alongside.core import checks  # noqa: F401  (registers the system checks)
        from alongside.core.two_factor import remember_at_sign_in

        user_logged_in.connect(remember_at_sign_in, dispatch_uid="alongside-second-factor")
