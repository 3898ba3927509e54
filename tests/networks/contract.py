"""The adapter contract as tests: every adapter's test class mixes `AdapterContract` in.

Like Django's shared mail-backend tests, one set of assertions runs against every adapter, so
"an adapter" means the same thing for the fake, the web feed, a webhook and Mastodon.

A test class names its `network` and provides one fixture, `contract`, returning a `ContractSetup`:

    class TestMastodonContract(AdapterContract):
        network = "mastodon"

        @pytest.fixture
        def contract(self, mastodon_server, brand_a):
            account = ...  # a saved, connected NetworkAccount whose network is reachable
            return ContractSetup(
                account=account,
                published_count=lambda: mastodon_server.statuses_created,
                failures={ErrorKind.RETRY: lambda: mastodon_server.fail_next(503), ...},
                secrets=[token],
            )

`failures` maps each ErrorKind the test can provoke to a callable that makes the NEXT publish
fail that way (usually by arming the local server). Each is checked: the adapter raises
PublishError of that kind, with a message for a person and no secret in it.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from django.db import connection

from core.images import IMAGE_TYPES
from networks.base import Adapter, Counting, ErrorKind, Limits, MediaFile, Problem, PublishError
from networks.counting import count
from networks.models import NetworkAccount
from networks.registry import ADAPTERS, get_adapter_class


@dataclass
class ContractSetup:
    account: NetworkAccount
    # How many posts the network holds now (a server's count, an outbox, a table).
    published_count: Callable[[], int]
    failures: dict[ErrorKind, Callable[[], None]] = field(default_factory=dict)
    # Strings that must never show in str(), repr() or an error message: tokens, passwords.
    secrets: list[str] = field(default_factory=list)
    # What a post carries in the checks below: nothing, except on a network that takes no post
    # without an image (Limits.media_required), where it is an image that network accepts.
    media: Callable[[], list[MediaFile]] = list


def _image(name: str = "photo.png", content_type: str = "image/png", alt: str = "") -> MediaFile:
    return MediaFile(name=name, content_type=content_type, size=1000, alt_text=alt)


def _text_counting_exactly(limit: int, limits: Limits) -> str:
    """A text with a URL, accents and an emoji that counts exactly `limit` by the declared method.

    Its plain length differs from its count for every method but CHARACTERS, so an adapter
    validating with len() instead of its declared counting fails the test.
    """
    head = "Café 🇫🇷 https://example.com/" + "long-path-" * 8 + " "
    padding = limit - count(head, limits.counting, url_weight=limits.url_weight)
    assert padding >= 0, "limit too small for the sample"
    return head + "a" * padding


class AdapterContract:
    """Mixin: the assertions every adapter passes. Needs the `contract` fixture (see module doc)."""

    network: str  # the adapter slug under test: tests/networks/test_registry.py finds it by it

    @pytest.fixture
    def adapter(self, contract: ContractSetup) -> Adapter:
        return contract.account.adapter()

    # --- what it declares ------------------------------------------------------------------
    def test_is_registered_under_its_slug(self, adapter):
        assert adapter.slug == self.network
        assert adapter.slug in ADAPTERS
        assert get_adapter_class(adapter.slug) is type(adapter)
        assert str(adapter.name).strip()

    def test_declares_sane_limits(self, adapter):
        limits = adapter.get_limits()
        assert isinstance(limits, Limits)
        assert isinstance(limits.counting, Counting)
        assert limits.max_chars > 0
        assert 0 <= limits.max_media <= 20
        assert limits.url_weight > 0
        assert limits.alt_text_max >= 0
        if limits.max_media:
            for fit in (limits.images.attach, limits.images.to_send):
                assert fit.max_bytes and fit.max_bytes > 0
                assert fit.types and all(t.startswith("image/") for t in fit.types)
                assert fit.types & IMAGE_TYPES, "the image pipeline must be able to make a type it takes"
        assert limits.as_json()["max_chars"] == limits.max_chars

    # --- validate() ---------------------------------------------------------------------------
    def test_validate_accepts_a_text_at_the_limit_counted_by_the_declared_method(self, adapter, contract):
        limits = adapter.get_limits()
        assert adapter.validate(_text_counting_exactly(limits.max_chars, limits), contract.media()) == []

    def test_validate_refuses_one_character_more_and_names_the_network(self, adapter, contract):
        limits = adapter.get_limits()
        problems = adapter.validate(_text_counting_exactly(limits.max_chars + 1, limits), contract.media())
        assert [p.code for p in problems] == ["text_too_long"]
        assert str(adapter.name) in problems[0].message
        assert str(limits.max_chars) in problems[0].message

    def test_validate_refuses_too_many_media_naming_the_network(self, adapter):
        limits = adapter.get_limits()
        media = [_image(f"p{i}.png", alt="A photo") for i in range(limits.max_media + 1)]
        problems = adapter.validate("Hello", media)
        assert "too_many_media" in {p.code for p in problems}
        assert all(isinstance(p, Problem) and str(adapter.name) in p.message for p in problems)

    def test_validate_refuses_an_image_type_it_does_not_take(self, adapter):
        if not adapter.get_limits().max_media:
            pytest.skip("this network takes no media")
        problems = adapter.validate("Hello", [_image("scan.tiff", "image/x-unknown")])
        assert [p.code for p in problems] == ["image_type"]
        assert "scan.tiff" in problems[0].message

    # --- publish() ----------------------------------------------------------------------------
    def test_publish_returns_the_remote_id_and_a_public_url(self, adapter, contract):
        before = contract.published_count()
        result = adapter.publish(text="Bonjour, le monde ! 🎉", media=contract.media(), key=uuid.uuid4().hex)
        assert result.remote_id
        assert result.url.startswith(("http://", "https://"))
        assert contract.published_count() == before + 1

    def test_a_repeat_with_the_same_key_does_not_post_twice(self, adapter, contract):
        if not adapter.recognises_repeats:
            pytest.skip("this network cannot recognise a repeat")
        key = uuid.uuid4().hex
        before = contract.published_count()
        first = adapter.publish(text="Only once", media=contract.media(), key=key)
        second = contract.account.adapter().publish(text="Only once", media=contract.media(), key=key)
        assert second.remote_id == first.remote_id
        assert contract.published_count() == before + 1

    def test_failures_map_onto_error_kinds_with_a_message_and_no_secret(self, adapter, contract):
        if not contract.failures:
            pytest.skip("this network has no failure a test can provoke")
        for kind, provoke in contract.failures.items():
            provoke()
            with pytest.raises(PublishError) as caught:
                adapter.publish(text="Will fail", media=contract.media(), key=uuid.uuid4().hex)
            assert caught.value.kind == kind, f"expected {kind}, got {caught.value.kind}: {caught.value.message}"
            assert caught.value.message.strip()
            self._assert_no_secret(contract, str(caught.value), caught.value.message, repr(caught.value))

    # --- secrets ------------------------------------------------------------------------------
    def test_credentials_never_show_in_str_repr_or_the_database(self, adapter, contract):
        account = contract.account
        self._assert_no_secret(contract, str(account), repr(account), str(adapter), repr(adapter))
        with connection.cursor() as cursor:
            table = NetworkAccount._meta.db_table
            cursor.execute(f"SELECT credentials FROM {table} WHERE id = %s", [account.pk])  # noqa: S608
            stored = cursor.fetchone()[0]
        self._assert_no_secret(contract, stored)

    def test_what_is_kept_in_clear_holds_no_secret(self, adapter, contract):
        """Config, handle and names are shown on the Networks page and quoted in messages."""
        account = contract.account
        clear = json.dumps(account.config), account.handle, account.display_name, account.avatar_url
        self._assert_no_secret(contract, *clear)

    def test_check_connection_names_the_account(self, adapter, contract):
        handle = adapter.check_connection()
        assert isinstance(handle, str) and handle.strip()
        self._assert_no_secret(contract, handle)

    @staticmethod
    def _assert_no_secret(contract: ContractSetup, *texts: str) -> None:
        for secret in contract.secrets:
            assert secret, "an empty secret proves nothing"
            for text in texts:
                assert secret not in text, "a secret leaked"
