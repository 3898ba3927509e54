"""The pages of posts through Django's test client: composer, post page, review, escaping."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from posts import services
from posts.content import PostContent
from posts.models import EventKind, Post, PostState

pytestmark = pytest.mark.django_db


def _url(name, brand, **kwargs):
    return reverse(f"posts:{name}", kwargs={"brand_slug": brand.slug, **kwargs})


def _form(account, **values):
    local = (timezone.now() + timedelta(days=2)).astimezone(account.brand.tz)
    data = {
        "text": "Bonjour",
        "accounts": [account.pk],
        "day": local.date().isoformat(),
        "at": "10:00",
        "action": "save",
    }
    data.update(values)
    return data


def test_composer_prefills_the_time_from_the_calendars_link(client, editor, brand_a, account):
    client.force_login(editor)
    response = client.get(_url("create", brand_a) + "?at=2027-06-01T09:30")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'value="2027-06-01"' in html and 'value="09:30"' in html
    assert '"max_chars": 500' in html  # the account's limits, for counting.js


def test_composer_creates_a_draft_in_the_brands_zone(client, editor, brand_a, account):
    client.force_login(editor)
    response = client.post(_url("create", brand_a), _form(account, day="2027-06-01", at="09:30"))
    post = Post.objects.get()
    assert response.status_code == 302 and response.url == _url("detail", brand_a, pk=post.pk)
    assert post.scheduled_at.isoformat() == "2027-06-01T07:30:00+00:00"  # 09:30 in Paris, summer time
    assert post.state == PostState.DRAFT and post.author == editor


def test_composer_submit_action_sends_for_review(client, editor, brand_a, account):
    client.force_login(editor)
    client.post(_url("create", brand_a), _form(account, action="submit"))
    assert Post.objects.get().state == PostState.IN_REVIEW


@pytest.mark.parametrize(
    ("day", "at", "words"),
    [
        ("2027-03-28", "02:30", "does not exist"),
        ("2027-10-31", "02:30", "happens twice"),
        ("2020-01-01", "10:00", "past"),
    ],
)
def test_bad_times_are_refused_with_a_clear_message(client, editor, brand_a, account, day, at, words):
    client.force_login(editor)
    response = client.post(_url("create", brand_a), _form(account, day=day, at=at))
    assert response.status_code == 200
    assert words in response.content.decode()
    assert not Post.objects.exists()


def test_text_too_long_is_refused_naming_the_network_and_count(client, editor, brand_a, account):
    client.force_login(editor)
    response = client.post(_url("create", brand_a), _form(account, text="a" * 612))
    html = response.content.decode()
    assert "Fake network: the text is 612 characters long, the limit is 500." in html
    assert not Post.objects.exists()
    assert "a" * 612 in html  # what was typed is kept


def test_french_messages(client, editor, brand_a, account):
    editor.language = "fr"
    editor.save()
    client.force_login(editor)
    response = client.post(
        _url("create", brand_a), _form(account, day="2027-03-28", at="02:30"), HTTP_ACCEPT_LANGUAGE="fr"
    )
    html = response.content.decode()
    assert "02:30 n’existe pas le 2027-03-28 (Europe/Paris)" in html
    assert "Enregistrer le brouillon" in html


def test_second_saver_is_told_and_keeps_their_text(client, editor, manager, brand_a, account, write_post):
    post = write_post(editor, text="Premier jet")
    opened = post.version
    content = PostContent(text="Version du manager", accounts=[account])
    services.post_update(post=post, user=manager, version=opened, content=content)
    client.force_login(editor)
    response = client.post(_url("edit", brand_a, pk=post.pk), _form(account, text="Ma version à moi", version=opened))
    html = response.content.decode()
    assert response.status_code == 409
    assert "Ma version à moi" in html and "Version du manager" in html
    assert "saved this post while you were editing it" in html
    post.refresh_from_db()
    assert post.text == "Version du manager"


def test_html_and_script_are_shown_as_text_everywhere(client, editor, manager, brand_a, account, write_post):
    evil = '<script>alert("x")</script><b>gras</b>'
    post = services.post_submit(post=write_post(editor, text=evil), user=editor)
    services.comment_add(post=post, user=editor, text=evil)
    client.force_login(manager)
    for url in (
        _url("detail", brand_a, pk=post.pk),
        _url("list", brand_a),
        _url("review", brand_a),
        _url("edit", brand_a, pk=post.pk),
    ):
        html = client.get(url).content.decode()
        assert "<script>alert" not in html, url
        assert "&lt;script&gt;alert" in html, url


def test_review_lists_oldest_submission_first_and_approves_from_the_list(client, editor, manager, brand_a, write_post):
    first = services.post_submit(post=write_post(editor, text="Premier"), user=editor)
    second = services.post_submit(post=write_post(editor, text="Second"), user=editor)
    first.events.filter(kind=EventKind.SUBMITTED).update(created_at=timezone.now() - timedelta(hours=5))
    client.force_login(manager)
    html = client.get(_url("review", brand_a)).content.decode()
    assert html.index("Premier") < html.index("Second")
    review_url = _url("review", brand_a)
    response = client.post(_url("transition", brand_a, pk=second.pk, action="approve"), {"next": review_url})
    assert response.url == review_url
    second.refresh_from_db()
    assert second.state == PostState.APPROVED


def test_request_changes_from_the_list_needs_a_comment(client, editor, manager, brand_a, write_post):
    post = services.post_submit(post=write_post(editor), user=editor)
    client.force_login(manager)
    client.post(_url("transition", brand_a, pk=post.pk, action="request_changes"), {"comment": ""})
    post.refresh_from_db()
    assert post.state == PostState.IN_REVIEW
    client.post(_url("transition", brand_a, pk=post.pk, action="request_changes"), {"comment": "Trop long"})
    post.refresh_from_db()
    assert post.state == PostState.CHANGES_REQUESTED


def test_editor_gets_403_approving_own_post(client, editor, brand_a, write_post):
    post = services.post_submit(post=write_post(editor), user=editor)
    client.force_login(editor)
    assert client.post(_url("transition", brand_a, pk=post.pk, action="approve")).status_code == 403


def test_another_brands_post_is_404(client, outsider, editor, brand_a, write_post):
    post = write_post(editor)
    client.force_login(outsider)
    assert client.get(_url("detail", brand_a, pk=post.pk)).status_code == 404


def test_post_page_shows_the_history_and_failure_advice(client, editor, manager, brand_a, write_post):
    post = write_post(editor, text="Avant")
    content = PostContent(text="Après", accounts=[t.account for t in post.targets.all()])
    services.post_update(post=post, user=editor, version=post.version, content=content)
    post.targets.update(state="failed", error_kind="reconnect", last_error="The token was revoked.")
    client.force_login(manager)
    html = client.get(_url("detail", brand_a, pk=post.pk)).content.decode()
    assert "The token was revoked." in html and "reconnect this account" in html
    assert "Avant" in html and "Après" in html


def test_bell_shows_the_unread_count(client, editor, manager, brand_a, write_post):
    services.post_submit(post=write_post(editor), user=editor)
    client.force_login(manager)
    html = client.get(_url("list", brand_a)).content.decode()
    assert 'data-unread="1"' in html
    client.post(reverse("notifications:read_all"))
    assert 'data-unread="' not in client.get(_url("list", brand_a)).content.decode()


def test_duplicate_opens_the_copy_in_the_composer(client, editor, brand_a, write_post):
    post = write_post(editor)
    client.force_login(editor)
    response = client.post(_url("transition", brand_a, pk=post.pk, action="duplicate"))
    copy = Post.objects.exclude(pk=post.pk).get()
    assert response.url == _url("edit", brand_a, pk=copy.pk)


def test_failed_and_uncertain_targets_offer_retry_and_an_answer_to_managers(
    client, editor, manager, brand_a, write_post, second_account
):
    post = write_post(editor, accounts=[second_account])
    post.targets.update(state="failed", error_kind="rejected", last_error="Text too long for the network.")
    client.force_login(manager)
    html = client.get(_url("detail", brand_a, pk=post.pk)).content.decode()
    assert "Retry on Fake B" in html and "shorten it" in html
    post.targets.update(state="needs_checking", error_kind="unknown", last_error="No answer from the network.")
    html = client.get(_url("detail", brand_a, pk=post.pk)).content.decode()
    assert "Is the post on the network?" in html
    client.force_login(editor)
    assert "Is the post on the network?" not in client.get(_url("detail", brand_a, pk=post.pk)).content.decode()


def test_a_refused_composer_action_keeps_the_saved_post_and_says_why(client, manager, brand_a, account):
    client.force_login(manager)
    response = client.post(_url("create", brand_a), _form(account, action="schedule"), follow=True)
    post = Post.objects.get()
    assert post.state == PostState.DRAFT
    assert "does not allow approving one&#x27;s own post" in response.content.decode()


def test_schedule_button_only_when_the_rule_allows(client, editor, manager, brand_a, account, write_post):
    client.force_login(editor)
    assert 'value="schedule"' not in client.get(_url("create", brand_a)).content.decode()
    client.force_login(manager)
    post = write_post(editor)
    assert 'value="schedule"' in client.get(_url("edit", brand_a, pk=post.pk)).content.decode()


def test_history_shows_states_in_words_and_per_network_texts(client, editor, brand_a, write_post, account):
    post = services.post_submit(post=write_post(editor), user=editor)
    services.post_update(
        post=post,
        user=editor,
        version=post.version,
        content=PostContent(text=post.text, accounts=[account], target_texts={account.pk: "Court"}),
    )
    client.force_login(editor)
    html = client.get(_url("detail", brand_a, pk=post.pk)).content.decode()
    assert "Draft → In review" in html
    assert "Text for Fake A, before and after" in html and "Court" in html


def test_an_account_needing_reconnection_says_so_in_the_composer(client, editor, brand_a, account):
    account.status = "needs_reconnect"
    account.save()
    client.force_login(editor)
    assert "Fake A · Fake network (Needs reconnecting)" in client.get(_url("create", brand_a)).content.decode()


def test_html_in_comments_names_and_alt_texts_is_escaped_in_notifications_and_the_library(
    client, editor, manager, brand_a, write_post
):
    from django.core.files.base import ContentFile

    from posts.models import Media

    evil = '<img src=x onerror="alert(1)">'
    post = services.post_submit(post=write_post(editor), user=editor)
    services.post_request_changes(post=post, user=manager, comment=evil)
    media = Media(brand=brand_a, content_type="image/png", original_name=evil, alt_text=evil)
    media.file.save("x.png", ContentFile(b"png"), save=True)
    client.force_login(editor)
    for url in (reverse("notifications:list"), _url("media_library", brand_a), _url("detail", brand_a, pk=post.pk)):
        html = client.get(url).content.decode()
        assert "<img src=x" not in html, url
        assert "&lt;img src=x" in html, url


def test_publish_now_from_the_composer_approves_and_hands_the_post_to_the_engine(
    client, editor, manager, brand_a, account, write_post
):
    post = write_post(editor)
    client.force_login(manager)
    before = timezone.now()
    client.post(
        _url("edit", brand_a, pk=post.pk),
        _form(account, text="Tout de suite", version=post.version, action="publish_now"),
    )
    post.refresh_from_db()
    assert post.state == PostState.APPROVED and post.approved_by == manager
    assert before <= post.scheduled_at <= timezone.now()  # due now: the dispatcher takes it at its next tick


def test_publish_now_is_refused_to_an_editor(client, editor, brand_a, write_post):
    post = write_post(editor)
    client.force_login(editor)
    assert client.post(_url("transition", brand_a, pk=post.pk, action="publish_now")).status_code == 403
