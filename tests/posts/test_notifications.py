"""Notifications say what happened to which post: an excerpt of its text and who did it, the brand
beside it; the same unread line is not repeated; only the brand's current members hear of it."""

import pytest
from django.core import mail
from django.urls import reverse

from accounts.models import Membership
from notifications.models import Notification
from posts import services
from posts.content import PostContent

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def people_read_english(editor, manager, owner):
    for person in (editor, manager, owner):
        person.language = "en"
        person.save()


def test_two_submissions_make_two_lines_that_name_their_post_and_who(write_post, editor, manager):
    services.post_submit(post=write_post(editor, text="Lancement de la collection d’été"), user=editor)
    services.post_submit(post=write_post(editor, text="Jeu concours : à vos claviers !"), user=editor)
    lines = list(Notification.objects.filter(user=manager).order_by("pk").values_list("message", flat=True))
    assert lines == [
        f"{editor} asks for your review of “Lancement de la collection d’été”.",
        f"{editor} asks for your review of “Jeu concours : à vos claviers !”.",
    ]


def test_a_long_text_is_cut_to_an_excerpt_on_one_line(write_post, editor, manager):
    text = "Première ligne\n\n" + "mot " * 40
    services.post_submit(post=write_post(editor, text=text), user=editor)
    message = Notification.objects.get(user=manager).message
    excerpt = message.split("“")[1].split("”")[0]
    assert len(excerpt) == 60 and excerpt.startswith("Première ligne mot mot") and excerpt.endswith("…")


def test_every_action_names_the_post(write_post, editor, manager):
    post = services.post_submit(post=write_post(editor, text="Bonjour Lyon"), user=editor)
    services.post_request_changes(post=post, user=manager, comment="Plus court")
    services.comment_add(post=post, user=editor, text=f"@{manager.email} c’est fait")
    post = services.post_submit(post=post, user=editor)
    services.post_approve(post=post, user=manager)
    received = {(n.user_id, n.kind): n.message for n in Notification.objects.all()}
    assert received[(editor.pk, "changes_requested")] == f"{manager} asks for changes to “Bonjour Lyon”: Plus court"
    assert received[(manager.pk, "mentioned")].startswith(f"{editor} mentioned you on “Bonjour Lyon”: @")
    assert received[(editor.pk, "approved")] == f"{manager} approved your post “Bonjour Lyon”."


def test_an_edit_that_withdraws_the_approval_says_so(write_post, editor, manager, account):
    post = services.post_submit(post=write_post(editor, text="Avant"), user=editor)
    post = services.post_approve(post=post, user=manager)
    services.post_update(
        post=post, user=editor, version=post.version, content=PostContent(text="Après", accounts=[account])
    )
    latest = Notification.objects.filter(user=manager).first()
    assert latest.message == f"{editor} changed “Après” after its approval: it needs your review again."


def test_the_same_unread_line_moves_up_instead_of_repeating(
    write_post, editor, manager, django_capture_on_commit_callbacks
):
    post = write_post(editor, text="Bonjour")
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            services.comment_add(post=post, user=editor, text=f"@{manager.email} regarde")
    assert Notification.objects.filter(user=manager).count() == 1
    assert len(mail.outbox) == 1


def test_a_member_who_left_hears_nothing_more(write_post, editor, manager, owner):
    Membership.objects.filter(user=manager).delete()
    services.post_submit(post=write_post(editor), user=editor)
    assert list(Notification.objects.values_list("user", flat=True)) == [owner.pk]


def test_the_bell_page_shows_the_brand_beside_each_line(client, write_post, editor, manager, brand_a):
    services.post_submit(post=write_post(editor, text="Bonjour"), user=editor)
    client.force_login(manager)
    html = client.get(reverse("notifications:list")).content.decode()
    assert "<strong>Brand A</strong>" in html and "asks for your review of “Bonjour”" in html
