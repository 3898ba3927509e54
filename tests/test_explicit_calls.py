"""Explicit calls, not signals: what follows a change (telling people, announcing a webhook) is
called by the service that makes the change, so reading the service shows all it causes."""

from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save

MODEL_SIGNALS = {
    "pre_save": pre_save,
    "post_save": post_save,
    "pre_delete": pre_delete,
    "post_delete": post_delete,
    "m2m_changed": m2m_changed,
}


def test_no_receiver_acts_when_one_of_our_models_is_saved_or_deleted():
    # An app of ours is a folder of the project (not a package installed in .venv, which may sit
    # inside the project's folder too).
    project = Path(settings.BASE_DIR)
    ours = [config for config in apps.get_app_configs() if (project / config.name.split(".")[0]).is_dir()]
    listened = [
        f"{model._meta.label}: {name}"
        for config in ours
        for model in config.get_models()
        for name, signal in MODEL_SIGNALS.items()
        if signal.has_listeners(model)
    ]
    assert listened == []
