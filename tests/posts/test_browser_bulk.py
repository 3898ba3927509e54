"""Bulk work in real Chromium, in French: a manager approves three posts at once from the review
page; the one they wrote is refused (the brand forbids approving one's own post) and the page
says how many were approved and why the third was not."""

import re

import pytest
from playwright.sync_api import expect

from posts import services
from posts.models import Post, PostState

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _in_review(write_post, author, text):
    return services.post_submit(post=write_post(author, text=text), user=author)


def test_a_bulk_approval_with_one_refusal_explained(sign_in, live_server, page, write_post, editor, manager, brand_a):
    manager.language = "fr"
    manager.save()
    first = _in_review(write_post, editor, "Atelier ouvert samedi")
    second = _in_review(write_post, editor, "Concours photo")
    own = _in_review(write_post, manager, "Mon annonce du lundi")

    sign_in(manager)
    page.goto(f"{live_server.url}/b/{brand_a.slug}/review/")
    submit = page.get_by_role("button", name="Appliquer à la sélection")
    expect(submit).to_be_disabled()  # nothing selected yet
    page.get_by_label("Tout sélectionner").check()
    expect(page.locator("#bulk-count")).to_have_text("Sélection\u00a0: 3")
    expect(page.get_by_label("Action")).to_have_value("approve")
    comment = page.locator("#bulk-comment")
    expect(comment).to_be_hidden()  # shown for "request changes" only
    page.get_by_label("Action").select_option("request_changes")
    expect(comment).to_be_visible()
    page.get_by_label("Action").select_option("approve")
    submit.click()

    expect(page.get_by_role("alert").filter(has_text="2 approuvées sur 3.")).to_be_visible()
    refusal = page.get_by_role("alert").filter(has_text="Mon annonce du lundi")
    expect(refusal).to_contain_text("n’autorise pas à approuver sa propre publication")
    states = dict(Post.objects.values_list("pk", "state"))
    assert (states[first.pk], states[second.pk], states[own.pk]) == (
        PostState.APPROVED,
        PostState.APPROVED,
        PostState.IN_REVIEW,
    )
    # What is left to review is the manager's own post, for another manager.
    expect(page.locator(".review-item")).to_have_count(1)


def test_a_shift_from_the_post_list_moves_only_the_ticked_posts(
    sign_in, live_server, page, write_post, editor, brand_a, tomorrow
):
    editor.language = "fr"
    editor.save()
    moved = write_post(editor, text="À décaler")
    kept = write_post(editor, text="À garder")
    sign_in(editor)
    page.goto(f"{live_server.url}/b/{brand_a.slug}/posts/")
    page.get_by_label(re.compile("Sélectionner.*À décaler")).check()
    page.get_by_label("Action").select_option("shift")
    page.get_by_label("Jours (négatif\u00a0: plus tôt)").fill("2")
    page.get_by_role("button", name="Appliquer à la sélection").click()
    expect(page.get_by_role("alert").filter(has_text="1 déplacée sur 1.")).to_be_visible()
    moved.refresh_from_db()
    kept.refresh_from_db()
    assert (moved.scheduled_at - tomorrow).days == 2 and kept.scheduled_at == tomorrow
