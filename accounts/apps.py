from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("People and brands")

    def ready(self) -> None:
        from accounts import signals  # noqa: F401, PLC0415 — app registry: receivers connect once the apps are loaded
