from django.apps import AppConfig

from cm_platform import ids


class PlatformConfig(AppConfig):
    name = "cm_platform"
    verbose_name = "Platform"

    def ready(self) -> None:
        from cm_platform import checks  # noqa: F401, PLC0415 — app registry: the checks register once apps are loaded

        # Before any urls.py is read: every app's URLs use <id:...>.
        ids.register()
