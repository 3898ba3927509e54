import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from accounts.models import Brand, Membership, User
from accounts.roles import Role
from networks.models import NetworkAccount
from posts.models import Post, PostState, PostTarget

pytestmark = pytest.mark.django_db


def _demo() -> str:
    out = io.StringIO()
    call_command("demo", stdout=out)
    return out.getvalue()


def test_demo_loads_a_brand_one_user_per_role_and_three_posts_about_to_go_out(client):
    before = timezone.now()
    output = _demo()
    brand = Brand.objects.get(slug="demo")
    assert (brand.name, brand.time_zone) == ("Maison Lumière", "Europe/Paris")
    roles = dict(Membership.objects.filter(brand=brand).values_list("user__email", "role"))
    assert roles == {
        "owner@demo.example": Role.OWNER,
        "manager@demo.example": Role.MANAGER,
        "editor@demo.example": Role.EDITOR,
        "viewer@demo.example": Role.VIEWER,
    }
    account = NetworkAccount.objects.get(brand=brand, network="webfeed")
    assert account.display_name == "Site web (flux)"
    posts = list(Post.objects.filter(brand=brand).order_by("scheduled_at"))
    assert [p.state for p in posts] == [PostState.APPROVED] * 3
    minutes_ahead = [round((p.scheduled_at - before) / timedelta(minutes=1)) for p in posts]
    assert minutes_ahead == [2, 5, 10]
    assert [list(p.targets.values_list("account", flat=True)) for p in posts] == [[account.pk]] * 3
    assert "http://127.0.0.1:8000" in output
    for email in roles:
        password = next(line.split()[-1] for line in output.splitlines() if email in line)
        signed_in = client.post(reverse("login"), {"username": email, "password": password})
        assert signed_in.status_code == 302 and "_auth_user_id" in client.session, email
        client.logout()


def test_running_the_demo_again_keeps_data_and_creates_nothing_twice():
    _demo()
    owner = User.objects.get(email="owner@demo.example")
    owner.display_name = "Changed by hand"
    owner.save()
    counts = [model.objects.count() for model in (Brand, User, Membership, NetworkAccount, Post, PostTarget)]
    output = _demo()
    assert [model.objects.count() for model in (Brand, User, Membership, NetworkAccount, Post, PostTarget)] == counts
    assert User.objects.get(email="owner@demo.example").display_name == "Changed by hand"
    assert "already there" in output


def test_the_demo_community_writes_to_the_brand_and_a_poll_brings_it_into_the_inbox(monkeypatch):
    from inbox.collect import account_poll, inbox_dispatch
    from inbox.models import Conversation
    from networks.models import ReadState

    _demo()
    monkeypatch.setattr("inbox.collect._enqueue_polls", lambda claimed, claim: None)
    inbox_dispatch()
    state = ReadState.objects.get(account__network="fake", account__brand__slug="demo")
    assert account_poll(read_state_id=state.pk, claim=state.claim_id) == "read"
    conversations = Conversation.objects.filter(brand__slug="demo")
    assert conversations.count() == 3  # Claire's question and her follow-up are one conversation
    assert sorted(c.message_count for c in conversations) == [1, 1, 2]
