from django.apps import AppConfig

from cm_platform import ids


class PlatformConfig(AppConfig):
    name = "cm_platform"
    verbose_name = "Platform"

    def ready(self):
        # Before any urls.py is read: every app's URLs use <id:...>.
        ids.register()
