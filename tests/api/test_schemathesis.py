"""Schemathesis against the project's own schema, with all its checks but one (EXCLUDED_CHECKS):
for inputs generated from every operation, no 500, only documented status codes and content
types, every answer matching the schema, input the schema forbids refused. Runs in-process
through the WSGI app, as the brand's owner with a personal token, a bounded number of examples
per operation (under a minute on an idle machine)."""

import pytest
import schemathesis
from django.conf import settings as django_settings
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from hypothesis.configuration import set_hypothesis_home_dir
from hypothesis.errors import Unsatisfiable
from rest_framework.throttling import SimpleRateThrottle
from schemathesis import GenerationMode
from schemathesis.specs.openapi.checks import negative_data_rejection, positive_data_acceptance

from api.tokens import token_create
from posts.models import PostState
from tests.api import builders as b

EXAMPLES_PER_OPERATION = 10
# Every check schemathesis has (no 500, documented status codes, content types and headers, answers
# matching the schema, forbidden input refused, auth honoured, deleted things gone), but one:
# positive_data_acceptance wants every schema-valid body accepted, and a schema cannot state the
# services' rules (a post needs a text or a medium, each network's connect form its own fields).
EXCLUDED_CHECKS = [positive_data_acceptance]
# A multipart body (the media upload) carries only strings: a "wrong type" there (null, 12) arrives
# as the string "null" or "12", which is a valid alt text, not negative data.
STRINGS_ONLY = {"multipart/form-data", "application/x-www-form-urlencoded"}


@pytest.fixture
def wsgi_app(db):
    """The real WSGI app, minus what Django's test client also switches off: closing the database
    connection after each request (it would close the test's transaction)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield get_wsgi_application()
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def schema(wsgi_app):
    return schemathesis.openapi.from_wsgi("/api/schema/?format=json", wsgi_app)


@pytest.fixture(autouse=True)
def _hypothesis_files_in_this_runs_folder():
    set_hypothesis_home_dir(django_settings.VAR_DIR / "hypothesis")
    yield
    set_hypothesis_home_dir(None)


@pytest.fixture(autouse=True)
def _no_throttling(monkeypatch):
    # Hundreds of calls a minute are the point here; 429 has its own test.
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", {"user": None, "anon": None})


def _path_parameters(operation, brand, people) -> dict:
    """The brand the owner belongs to, and an object of the kind the path names."""
    fixed = {"brand_slug": brand.slug}
    if "{id}" in operation.path:
        if "/posts/" in operation.path:
            fixed["id"] = b.post(brand, people, state=PostState.IN_REVIEW).pk
        elif "/media/" in operation.path:
            fixed["id"] = b.media(brand, people).pk
        elif "/webhooks/" in operation.path:
            fixed["id"] = b.webhook(brand, people).pk
        elif "/conversations/" in operation.path:
            fixed["id"] = b.conversation(brand, people).pk
        elif "/replies/" in operation.path:
            fixed["id"] = b.reply(brand, people).pk
        elif "/triage-rules/" in operation.path:
            fixed["id"] = b.triage_rule(brand, people).pk
        elif "/messages/" in operation.path:
            fixed["id"] = b.conversation(brand, people).messages.first().pk
        else:
            fixed["id"] = b.account(brand).pk
    return fixed


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE], ids=str)
def test_no_generated_input_breaks_the_api_or_its_schema(schema, brand_a, people, mode):
    """Positive: inputs the schema allows; negative: inputs it forbids (which must be 4xx, never 500)."""
    _, token = token_create(user=people["owner"], name="schemathesis")
    headers = {"Authorization": f"Bearer {token}"}
    tried, failures = [], {}
    for result in schema.get_all_operations():
        operation = result.ok()
        if operation.method.upper() == "DELETE":
            continue  # deleting the one object of the test leaves nothing to fuzz; covered elsewhere
        fixed = _path_parameters(operation, brand_a, people)
        strategy = operation.as_strategy(mode, path_parameters=fixed, headers=headers)

        @given(case=strategy)
        @settings(
            max_examples=EXAMPLES_PER_OPERATION,
            deadline=None,
            database=None,
            # The same examples every run, so CI never fails on a draw (empty query values such as
            # `?end=` are read as "no filter", which the negative check may count as accepted).
            # To explore further, remove this line locally and run the test many times.
            derandomize=True,
            suppress_health_check=list(HealthCheck),
        )
        def check(case):
            strings_only = case.media_type in STRINGS_ONLY
            case.call_and_validate(excluded_checks=EXCLUDED_CHECKS + [negative_data_rejection] * strings_only)

        try:
            check()
        except Unsatisfiable:
            continue  # negative mode, and every input of the operation fixed above: nothing to break
        except Exception as failure:  # noqa: BLE001 - gathered, then reported for every operation at once
            failures[operation.label] = failure
        tried.append(operation.label)
    assert len(tried) >= (27 if mode == GenerationMode.POSITIVE else 15), tried
    assert not failures, "\n\n".join(f"{label}:\n{failure}" for label, failure in failures.items())
