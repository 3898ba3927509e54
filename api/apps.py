from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    name = "api"
    verbose_name = _("API")

    def ready(self):
        from api import schema  # noqa: F401, PLC0415 — app registry: the token scheme joins the schema once apps are loaded
