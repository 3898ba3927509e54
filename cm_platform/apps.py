from django.apps import AppConfig


class PlatformConfig(AppConfig):
    name = "cm_platform"
    verbose_name = "Platform"

    def ready(self) -> None:
        from cm_platform import checks  # noqa: F401 - app registry: the checks register once apps are loaded
