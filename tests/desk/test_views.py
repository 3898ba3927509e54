"""The home page through Django's test client: where people land, what the page shows, and
that it takes cards."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Membership
from accounts.roles import Role
from desk import cards as desk_cards
from desk.cards import Card
from tests.factories import PASSWORD, BrandFactory, NetworkAccountFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_signing_in_lands_a_member_of_one_brand_on_its_today_page(client, editor, brand_a):
    response = client.post(reverse("login"), {"username": editor.email, "password": PASSWORD}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("desk:brand_today", args=[brand_a.slug])
    assert "Today · Brand A" in response.content.decode()


def test_signing_in_lands_a_member_of_several_brands_on_every_brands_today(client, editor, brand_a, brand_b):
    Membership.objects.create(user=editor, brand=brand_b, role=Role.VIEWER)
    response = client.post(reverse("login"), {"username": editor.email, "password": PASSWORD}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("desk:today")
    assert "Today · all your brands" in response.content.decode()


def test_someone_without_a_brand_is_offered_to_create_one_on_today_too(client):
    client.force_login(UserFactory(email="new@example.com"))
    for url in (reverse("accounts:home"), reverse("desk:today")):
        assert "You do not belong to any brand yet" in client.get(url).content.decode()


def test_a_brands_home_is_its_today_page(client, viewer, brand_a):
    client.force_login(viewer)
    response = client.get(reverse("accounts:brand_home", args=[brand_a.slug]))
    assert response.url == reverse("desk:brand_today", args=[brand_a.slug])


def test_every_brands_today_names_each_posts_brand(client, editor, brand_a, brand_b, make_post):
    Membership.objects.create(user=editor, brand=brand_b, role=Role.EDITOR)
    soon = timezone.now() + timedelta(minutes=5)
    make_post(at=soon, text="Annonce de la marque A")
    make_post(brand=brand_b, at=soon, text="Annonce de la marque B", accounts=[NetworkAccountFactory(brand=brand_b)])
    client.force_login(editor)
    html = client.get(reverse("desk:today")).content.decode()
    assert "Annonce de la marque A" in html and "Annonce de la marque B" in html
    assert html.count('class="badge text-bg-light border desk-brand"') == 2
    html = client.get(reverse("desk:brand_today", args=[brand_b.slug])).content.decode()
    assert "Annonce de la marque B" in html and "Annonce de la marque A" not in html


def test_a_viewer_sees_the_week_but_no_card_about_writing_or_reviewing(client, viewer, brand_a):
    client.force_login(viewer)
    html = client.get(reverse("desk:brand_today", args=[brand_a.slug])).content.decode()
    cards = re.findall(r'<section[^>]* id="card-([\w-]+)"', html)
    assert cards == ["coming-up", "inbox", "needs-attention", "numbers"]


def test_a_manager_sees_every_card(client, manager, brand_a):
    client.force_login(manager)
    html = client.get(reverse("desk:brand_today", args=[brand_a.slug])).content.decode()
    cards = re.findall(r'<section[^>]* id="card-([\w-]+)"', html)
    assert cards == [
        "coming-up",
        "inbox",
        "to-review",
        "changes-requested",
        "needs-attention",
        "overdue",
        "undated-drafts",
        "numbers",
    ]


def test_a_new_card_joins_the_page_with_one_line(client, editor, brand_a, monkeypatch, settings, tmp_path):
    class Unanswered(Card):
        key = "unanswered"
        title = "Unanswered messages"
        template = "unanswered.html"

        def context(self, scope):
            return {"count": len(scope.memberships)}

    (tmp_path / "unanswered.html").write_text(
        '{% extends "desk/cards/frame.html" %}{% block body %}<p>{{ card.context.count }} brand</p>{% endblock %}'
    )
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [*settings.TEMPLATES[0]["DIRS"], tmp_path]}]
    monkeypatch.setattr(desk_cards, "CARDS", [*desk_cards.CARDS, Unanswered])
    client.force_login(editor)
    html = client.get(reverse("desk:brand_today", args=[brand_a.slug])).content.decode()
    assert 'id="card-unanswered"' in html and "Unanswered messages" in html and "<p>1 brand</p>" in html


def test_the_page_costs_the_same_queries_for_a_few_posts_or_many_brands(
    client, manager, brand_a, fill_desk, django_assert_num_queries
):
    fill_desk(brand_a, 1, now=timezone.now())
    client.force_login(manager)
    url = reverse("desk:today")
    client.get(url)  # the session's brand is remembered once
    # session, user, the desk's memberships, then the cards: two queries each (posts, their
    # targets), one more for the reviewers' requests, two for the numbers card (targets,
    # rollups), one for the inbox card's figures; then the navigation's memberships, the bell
    with django_assert_num_queries(4 + 1 + 2 * 6 + 1 + 2 + 1):
        assert client.get(url).status_code == 200
    for _ in range(4):
        brand = BrandFactory()
        Membership.objects.create(user=manager, brand=brand, role=Role.OWNER)
        fill_desk(brand, 6, now=timezone.now())
    with django_assert_num_queries(4 + 1 + 2 * 6 + 1 + 2 + 1):
        html = client.get(url).content.decode()
    assert html.count('class="badge text-bg-light border desk-brand"') > 60


def test_a_failed_delivery_shows_its_account_and_reason(client, viewer, brand_a, make_post):
    post = make_post(at=timezone.now() - timedelta(hours=1))
    post.targets.update(state="failed", last_error="The network refused the text.", last_error_at=timezone.now())
    client.force_login(viewer)
    html = client.get(reverse("desk:brand_today", args=[brand_a.slug])).content.decode()
    card = html.split('id="card-needs-attention"')[1].split("</section>")[0]
    assert "<strong>Fake A</strong> · Failed: The network refused the text." in card
