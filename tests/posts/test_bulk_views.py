"""The bulk actions of the post list and the review page, through Django's test client."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from posts import services
from posts.models import Post, PostState

pytestmark = pytest.mark.django_db


def _url(name, brand, **kwargs):
    return reverse(f"posts:{name}", kwargs={"brand_slug": brand.slug, **kwargs})


def _messages(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def _in_review(write_post, author, **extra):
    return services.post_submit(post=write_post(author, **extra), user=author)


def test_a_bulk_approval_says_how_many_and_why_not_for_each_other_post(client, write_post, editor, manager, brand_a):
    posts = [_in_review(write_post, editor, text=f"Post {i}") for i in range(2)]
    own = _in_review(write_post, manager, text="Mon annonce")
    client.force_login(manager)
    review = _url("review", brand_a)
    response = client.post(
        _url("bulk", brand_a), {"action": "approve", "posts": [p.pk for p in [*posts, own]], "next": review}
    )
    assert response.status_code == 302 and response.url == review
    assert _messages(response) == [
        "2 of 3 approved.",
        "“Mon annonce”: This brand does not allow approving one's own post: another manager must approve it.",
    ]


def test_the_answer_is_in_french_for_a_french_user(client, write_post, editor, manager, brand_a):
    manager.language = "fr"
    manager.save()
    posts = [_in_review(write_post, editor) for _ in range(2)]
    own = _in_review(write_post, manager, text="Mon annonce")
    client.force_login(manager)
    response = client.post(_url("bulk", brand_a), {"action": "approve", "posts": [p.pk for p in [*posts, own]]})
    # French typography (non-breaking spaces) aside, the words:
    messages = [m.replace("\u00a0", " ").replace("\u202f", " ") for m in _messages(response)]
    assert messages[0] == "2 approuvées sur 3."
    assert messages[1] == (
        "« Mon annonce » : Cette marque n’autorise pas à approuver sa propre publication : "
        "un autre responsable doit l’approuver."
    )


def test_request_changes_needs_its_comment_before_anything_is_done(client, write_post, editor, manager, brand_a):
    post = _in_review(write_post, editor)
    client.force_login(manager)
    response = client.post(_url("bulk", brand_a), {"action": "request_changes", "posts": [post.pk], "comment": " "})
    assert _messages(response) == ["Say what should change."]
    assert Post.objects.get(pk=post.pk).state == PostState.IN_REVIEW


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"action": "shift", "days": "deux"}, "Enter a whole number."),
        ({"action": "shift", "days": "0"}, "Give a number of days other than 0."),
        ({"action": "move", "day": "31/02/2030"}, "Enter a valid date."),
        ({"action": "launch"}, "Select a valid choice. launch is not one of the available choices."),
        ({"action": "delete", "posts": ["x"]}, "The selection is not valid: reload the page and select again."),
        ({"action": "delete", "posts": []}, "Select at least one post."),
    ],
)
def test_bad_input_is_named_and_changes_nothing(client, write_post, editor, brand_a, data, message):
    post = write_post(editor)
    client.force_login(editor)
    response = client.post(_url("bulk", brand_a), {"posts": [post.pk], **data})
    assert response.status_code == 302
    assert message in _messages(response)
    assert Post.objects.filter(pk=post.pk).exists()


def test_another_brands_post_is_not_touched(client, write_post, editor, brand_a, brand_b):
    from tests.factories import PostFactory

    foreign = PostFactory(brand=brand_b, scheduled_at=None)
    client.force_login(editor)
    response = client.post(_url("bulk", brand_a), {"action": "delete", "posts": [foreign.pk]})
    assert _messages(response) == [
        "0 of 1 deleted.",
        f"“#{foreign.pk}”: This post does not exist (any more).",
    ]
    assert Post.objects.filter(pk=foreign.pk).exists()


def test_the_list_offers_the_actions_of_ones_role(client, write_post, editor, manager, viewer, brand_a):
    write_post(editor)
    client.force_login(editor)
    html = client.get(_url("list", brand_a)).content.decode()
    assert 'id="bulk-form"' in html and 'value="submit"' in html and 'value="approve"' not in html
    assert 'class="form-check-input bulk-pick' in html and "js/bulk.js" in html
    client.force_login(manager)
    html = client.get(_url("list", brand_a)).content.decode()
    assert 'value="approve"' in html and 'value="request_changes"' in html
    client.force_login(viewer)
    html = client.get(_url("list", brand_a)).content.decode()
    assert 'id="bulk-form"' not in html and "bulk-pick" not in html


def test_the_review_page_offers_bulk_review(client, write_post, editor, manager, brand_a):
    _in_review(write_post, editor)
    client.force_login(manager)
    html = client.get(_url("review", brand_a)).content.decode()
    assert 'id="bulk-form"' in html and 'value="approve"' in html and 'value="submit"' not in html
