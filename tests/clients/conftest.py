"""Brand A with a client stage, a post waiting for the client, and an invited client reviewer
whose link is read from the email it was sent in."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone, translation

from clients import services as client_services
from posts import services
from posts.content import PostContent
from tests.factories import NetworkAccountFactory


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def client(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


@pytest.fixture
def client_brand(brand_a):
    brand_a.client_approval_required = True
    brand_a.save()
    return brand_a


@pytest.fixture
def account(client_brand):
    return NetworkAccountFactory(brand=client_brand, network="fake", display_name="Fake A")


@pytest.fixture
def awaiting(client_brand, account, editor, manager):
    """A post approved internally, now waiting for the client."""

    def _make(text="Bonjour <b>le</b> monde"):
        when = (timezone.now() + timedelta(days=1)).replace(second=0, microsecond=0)
        content = PostContent(text=text, accounts=[account], scheduled_at=when)
        post = services.post_create(brand=client_brand, author=editor, content=content)
        post = services.post_submit(post=post, user=editor)
        return services.post_approve(post=post, user=manager)

    return _make


@pytest.fixture
def invite(client_brand, owner, django_capture_on_commit_callbacks):
    """Invite a reviewer; returns (reviewer, the path of the link emailed to them)."""

    def _invite(name="Claire Client", email="claire@client.example"):
        with django_capture_on_commit_callbacks(execute=True):
            reviewer = client_services.client_reviewer_invite(brand=client_brand, by=owner, name=name, email=email)
        path = re.search(r"https?://[^/\s]+(/review/\S+/)", mail.outbox[-1].body).group(1)
        return reviewer, path

    return _invite
