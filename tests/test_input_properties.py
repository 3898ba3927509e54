"""Property-based tests (Hypothesis) of every form and every API serializer that takes input.

Arbitrary text, numbers, dates and URLs either validate or give errors: nothing raises. What
does validate is safe for the code behind: dates within the range the desk takes, integers a
database column holds, no NUL character (PostgreSQL refuses it), and a connect form's data
connects or fails with a ConnectError naming the field, never anything else.

Forms and serializers are found by walking the apps, so a new one is fuzzed the day it is added
(or this test says how to build it). The network is replaced at networks/http.py and names are
resolved numeric-only: nothing leaves the machine.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import socket
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
import requests
from django import forms
from django.apps import apps as django_apps
from django.conf import settings as django_settings
from django.db.models import Model
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rest_framework import serializers

from accounts.models import Brand
from api.serializers.fields import InstantField
from cm_platform.ids import MAX_ID
from core.timing import EARLIEST_DAY, LATEST_DAY
from networks import http
from networks.base import ConnectError
from networks.mastodon.adapter import normalize_instance_url
from networks.models import NetworkAccount
from networks.registry import ADAPTERS, get_adapter_class
from posts.forms import BulkForm

# Every app of ours (a folder of this project in INSTALLED_APPS), so a new app's forms are fuzzed too.
APPS = tuple(
    dict.fromkeys(
        app.name.split(".")[0]
        for app in django_apps.get_app_configs()
        if (Path(django_settings.BASE_DIR) / app.name.split(".")[0]).is_dir()
    )
)
FUZZ = settings(
    max_examples=40,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


# --- what the apps hold ---------------------------------------------------------------------------
def _import_everything() -> None:
    for app in APPS:
        package = importlib.import_module(app)
        for module in pkgutil.walk_packages(package.__path__, f"{app}."):
            if not any(part in module.name for part in (".migrations", ".management")):
                importlib.import_module(module.name)


def _subclasses(cls: type) -> set[type]:
    found: set[type] = set()
    direct: list[type] = cls.__subclasses__()
    for sub in direct:
        found |= {sub, *_subclasses(sub)}
    return found


def _ours(classes: set[type]) -> list[type]:
    return sorted((c for c in classes if c.__module__.split(".")[0] in APPS), key=lambda c: c.__qualname__)


_import_everything()
FORMS = _ours(_subclasses(forms.BaseForm))
SERIALIZERS = [
    cls
    for cls in _ours(_subclasses(serializers.Serializer))
    if any(not field.read_only for field in cls().fields.values())  # the ones that take input
]


# --- values ---------------------------------------------------------------------------------------
NASTY = [
    "",
    " ",
    "\x00",
    "a\x00b",
    "²",
    "-1",
    "0",
    str(2**63),
    str(2**64),
    "9" * 5000,
    "0001-01-01",
    "9999-12-31",
    "0001-01-01T00:00",
    "9999-12-31T23:59",
    "9999-12-31T23:59:59+14:00",
    "24:00",
    "https://[",
    "https://example.org:65536/",
    "https://example.org:0/",
    "http://2130706433/",
    "javascript:alert(1)",
    "\u202eevil",
    "Europe/Paris",
    "Mars/Olympus",
]
texts = st.one_of(st.sampled_from(NASTY), st.text(max_size=30))
numbers = st.integers(min_value=-(2**70), max_value=2**70).map(str)
dates = st.dates().map(date.isoformat)
wall_times = st.datetimes().map(lambda moment: moment.isoformat()[:16])
times = st.times().map(lambda moment: moment.isoformat()[:5])
urls = st.builds(
    "{}://{}{}/{}".format,
    st.sampled_from(["https", "http", "ftp", "javascript", ""]),
    st.sampled_from(["example.org", "127.0.0.1", "[::1]", "[", "2130706433", "é.example", "", "a" * 300]),
    st.sampled_from(["", ":1", ":65535", ":65536", ":99999", ":0", ":-1", ":x"]),
    st.text(max_size=10),
)


def _field_values(name: str, field: forms.Field) -> st.SearchStrategy:
    if isinstance(field, forms.FileField):
        return st.just(None)
    if isinstance(field, forms.MultipleChoiceField | forms.ModelMultipleChoiceField):
        return st.lists(st.one_of(numbers, texts), max_size=3)
    if isinstance(field, forms.ModelChoiceField | forms.IntegerField):
        return st.one_of(numbers, texts)
    if isinstance(field, forms.DateTimeField):
        return st.one_of(wall_times, texts)
    if isinstance(field, forms.DateField):
        return st.one_of(dates, texts)
    if isinstance(field, forms.TimeField):
        return st.one_of(times, texts)
    if isinstance(field, forms.ChoiceField):
        keys = [str(choice[0]) for choice in getattr(field, "choices", ())]
        return st.one_of(st.sampled_from(keys or [""]), texts)
    if isinstance(field, forms.URLField) or "url" in name:
        return st.one_of(urls, texts)
    return texts


json_values = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(min_value=-(2**70), max_value=2**70), st.floats(), texts),
    lambda children: st.one_of(st.lists(children, max_size=3), st.dictionaries(texts, children, max_size=3)),
    max_leaves=6,
)


def _json_values(field: serializers.Field) -> st.SearchStrategy:
    if isinstance(field, serializers.DateTimeField):
        return st.one_of(st.datetimes().map(datetime.isoformat), wall_times, json_values)
    if isinstance(field, serializers.ListSerializer):
        return st.lists(st.dictionaries(st.sampled_from(list(field.child.fields) or ["x"]), json_values), max_size=2)
    if isinstance(field, serializers.ManyRelatedField | serializers.ListField | serializers.MultipleChoiceField):
        return st.lists(st.one_of(st.integers(min_value=-(2**70), max_value=2**70), texts), max_size=3)
    return json_values


# --- what passes is safe ---------------------------------------------------------------------------
def _leaves(value):
    if isinstance(value, dict):
        for item in value.values():
            yield from _leaves(item)
    elif isinstance(value, list | tuple | set | frozenset):
        for item in value:
            yield from _leaves(item)
    elif hasattr(value, "model") and hasattr(value, "iterator"):  # a queryset: its objects exist
        return
    else:
        yield value


def assert_safe(data) -> None:
    for value in _leaves(data):
        if isinstance(value, datetime):
            day = value.astimezone(UTC).date() if value.tzinfo else value.date()
            assert EARLIEST_DAY - timedelta(days=1) <= day <= LATEST_DAY + timedelta(days=1), value
        elif isinstance(value, date):
            assert EARLIEST_DAY <= value <= LATEST_DAY, value
        elif isinstance(value, int) and not isinstance(value, bool):
            assert -MAX_ID <= value <= MAX_ID, value
        elif isinstance(value, str):
            assert "\x00" not in value, value
        elif value is not None and not isinstance(value, bool | float | Model):
            assert not isinstance(value, bytes), value


# --- building forms ---------------------------------------------------------------------------------
def _keyword_arguments(form_class: type[forms.BaseForm], brand, owner) -> dict:
    """What a form's constructor needs beyond its data (every project form is listed here)."""
    known = {
        "brand": brand,
        "email": "new.member@a.example",
        "candidates": [{"display_name": "Brand A", "handle": "@a"}, {"display_name": "Brand A jobs"}],
        "actions": BulkForm.Action.values,  # every bulk action offered
        "brands": Brand.objects.filter(pk=brand.pk),  # where a copy may go
        "networks": [("fake", "Fake"), ("mastodon", "Mastodon")],  # a filter's network choices
        "members": [(str(owner.pk), str(owner))],  # an inbox filter's assignees
        "accounts": NetworkAccount.objects.filter(brand=brand),  # where a statement may go
    }
    needed = [
        name
        for name, parameter in inspect.signature(form_class.__init__).parameters.items()
        if parameter.kind == parameter.KEYWORD_ONLY and parameter.default is parameter.empty
    ]
    missing = [name for name in needed if name not in known]
    assert not missing, f"{form_class.__qualname__} needs {missing}: add a value to _keyword_arguments"
    kwargs = {name: known[name] for name in needed}
    model = form_class._meta.model if issubclass(form_class, forms.ModelForm) else None
    if model is not None and model.__name__ == "User":
        kwargs["instance"] = owner
    elif model is not None and "brand" in {field.name for field in model._meta.get_fields()}:
        kwargs["instance"] = model(brand=brand)  # as the views build them: a new object of the brand's
    return kwargs


def _form_data(form: forms.BaseForm) -> st.SearchStrategy:
    values = {name: _field_values(name, field) for name, field in form.fields.items()}
    return st.fixed_dictionaries({}, optional=values).map(lambda data: {k: v for k, v in data.items() if v is not None})


@pytest.fixture
def no_network(monkeypatch, settings):
    """A connect form's data goes to the adapter, which finds no network and no DNS."""

    def unreachable(method, url, **kwargs):
        if kwargs.get("user_typed_host"):
            http.check_public_url(url)  # the guard runs first, as in http.request
        raise requests.ConnectionError("no network in this test")

    real_getaddrinfo = socket.getaddrinfo

    def numeric(host, port, family=0, type=0, proto=0, flags=0):
        return real_getaddrinfo(host, port, family, type, proto, flags | socket.AI_NUMERICHOST)

    settings.NETWORKS_ALLOWED_PRIVATE_HOSTS = []
    monkeypatch.setattr(http, "request", unreachable)
    monkeypatch.setattr(socket, "getaddrinfo", numeric)


def test_every_form_and_serializer_is_found():
    names = {cls.__qualname__ for cls in FORMS}
    assert {"PostForm", "PauseForm", "CampaignForm", "ExportForm", "MastodonTokenForm", "WebhookForm"} <= names
    assert {"BrandForm", "ImportConfirmForm", "CSVUploadForm", "ResolveForm"} <= names
    assert {"PostWriteSerializer", "PostFilterSerializer", "EventRangeSerializer", "WebhookSerializer"} <= {
        cls.__qualname__ for cls in SERIALIZERS
    }


@pytest.mark.parametrize("form_class", FORMS, ids=lambda cls: cls.__qualname__)
def test_no_form_input_raises_and_what_validates_is_safe(form_class, brand_a, owner, no_network):
    kwargs = _keyword_arguments(form_class, brand_a, owner)
    adapter = next(
        (get_adapter_class(slug) for slug in ADAPTERS if get_adapter_class(slug).connect_form is form_class), None
    )

    @FUZZ
    @given(data=_form_data(form_class(**kwargs)))
    def check(data):
        form = form_class(data, **kwargs)
        if not form.is_valid():
            assert form.errors
            return
        assert_safe(form.cleaned_data)
        if adapter is not None:  # a connect form: the adapter connects (no network needed) or refuses
            try:
                adapter.connect({**form.cleaned_data, "brand": brand_a})
            except ConnectError as refused:
                assert refused.message
        if "instance_url" in form.cleaned_data and adapter is None:  # Mastodon's OAuth start
            try:
                normalize_instance_url(form.cleaned_data["instance_url"])
            except ConnectError as refused:
                assert refused.field == "instance_url"

    check()


@pytest.mark.parametrize("serializer_class", SERIALIZERS, ids=lambda cls: cls.__qualname__)
def test_no_api_input_raises_and_what_validates_is_safe(serializer_class, brand_a):
    fields = {name: field for name, field in serializer_class().fields.items() if not field.read_only}
    data = st.fixed_dictionaries({}, optional={name: _json_values(field) for name, field in fields.items()})

    @FUZZ
    @given(data=st.one_of(data, json_values))
    def check(data):
        serializer = serializer_class(data=data, context={"brand": brand_a})
        if serializer.is_valid():
            assert_safe(serializer.validated_data)
        else:
            assert serializer.errors

    check()


def test_every_input_date_of_the_api_is_range_checked():
    for serializer_class in SERIALIZERS:
        for name, field in serializer_class().fields.items():
            if isinstance(field, serializers.DateTimeField) and not field.read_only:
                assert isinstance(field, InstantField), f"{serializer_class.__qualname__}.{name}"
