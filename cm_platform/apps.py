from django.apps import AppConfig


class PlatformConfig(AppConfig):
    name = "cm_platform"
    verbose_name = "Platform"
