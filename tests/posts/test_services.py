"""posts/services.py, called directly as the web pages and the API call it."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from notifications.models import Notification
from posts import services
from posts.content import PostContent
from posts.models import DisplayStatus, EventKind, Post, PostState, TargetState
from posts.workflow import WorkflowError
from tests.factories import NetworkAccountFactory, PostTargetFactory


def _reviewed(post, editor, manager):
    services.post_submit(post=post, user=editor)
    return services.post_approve(post=post, user=manager)


def _edit(post, user, **changes):
    post.refresh_from_db()
    values = {
        "text": post.text,
        "accounts": [t.account for t in post.targets.all()],
        "media": list(post.media.all()),
        "target_texts": {t.account_id: t.text for t in post.targets.all() if t.text},
        "campaign": post.campaign,
        "scheduled_at": post.scheduled_at,
    }
    content = PostContent(**{**values, **changes})
    return services.post_update(post=post, user=user, version=post.version, content=content)


# --- creating --------------------------------------------------------------------------------
def test_create_makes_a_draft_with_one_pending_target_per_account(write_post, editor, account, second_account):
    post = write_post(editor, accounts=[account, second_account], target_texts={second_account.pk: "Court"})
    assert post.state == PostState.DRAFT
    assert {t.account_id: (t.state, t.text) for t in post.targets.all()} == {
        account.pk: (TargetState.PENDING, ""),
        second_account.pk: (TargetState.PENDING, "Court"),
    }
    assert [e.kind for e in post.events.all()] == [EventKind.CREATED]


def test_viewer_cannot_create(write_post, viewer):
    with pytest.raises(PermissionDenied):
        write_post(viewer)


def test_another_brands_account_is_refused(write_post, editor, brand_b):
    foreign = NetworkAccountFactory(brand=brand_b)
    with pytest.raises(ValidationError) as error:
        write_post(editor, accounts=[foreign])
    assert "accounts" in error.value.message_dict
    assert not Post.objects.exists()


def test_text_too_long_is_refused_naming_the_network_and_the_count(write_post, editor):
    with pytest.raises(ValidationError) as error:
        write_post(editor, text="é" * 501)
    message = " ".join(error.value.message_dict["text"])
    assert "Fake network" in message and "501" in message and "500" in message
    assert not Post.objects.exists()


def test_too_long_per_network_text_is_reported_on_that_network(write_post, editor, account, second_account):
    with pytest.raises(ValidationError) as error:
        write_post(editor, accounts=[account, second_account], target_texts={second_account.pk: "x" * 600})
    assert list(error.value.message_dict) == [f"target_{second_account.pk}"]


def test_a_time_in_the_past_is_refused(write_post, editor):
    with pytest.raises(ValidationError) as error:
        write_post(editor, scheduled_at=timezone.now() - timedelta(minutes=5))
    assert "past" in error.value.message_dict["scheduled_at"][0]


# --- the workflow --------------------------------------------------------------------------
def test_editor_cannot_approve_own_post(write_post, editor):
    post = services.post_submit(post=write_post(editor), user=editor)
    with pytest.raises(PermissionDenied):
        services.post_approve(post=post, user=editor)
    post.refresh_from_db()
    assert post.state == PostState.IN_REVIEW


def test_manager_cannot_approve_own_post_when_self_approval_is_forbidden(write_post, manager, owner):
    post = services.post_submit(post=write_post(manager), user=manager)
    with pytest.raises(PermissionDenied):
        services.post_approve(post=post, user=manager)
    assert services.post_approve(post=post, user=owner).state == PostState.APPROVED


def test_submit_tells_the_managers_and_owners_by_notification_and_email(
    write_post, editor, manager, owner, viewer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.post_submit(post=write_post(editor), user=editor)
    assert set(Notification.objects.values_list("user__email", flat=True)) == {manager.email, owner.email}
    assert sorted(m.to[0] for m in mail.outbox) == sorted([manager.email, owner.email])


def test_request_changes_needs_a_comment_and_tells_the_author(write_post, editor, manager):
    post = services.post_submit(post=write_post(editor), user=editor)
    with pytest.raises(ValidationError):
        services.post_request_changes(post=post, user=manager, comment="  ")
    post = services.post_request_changes(post=post, user=manager, comment="Plus court, svp")
    assert post.state == PostState.CHANGES_REQUESTED
    assert post.comments.get().text == "Plus court, svp"
    note = Notification.objects.get(user=editor)
    assert "Plus court" in note.message


def test_changes_requested_then_edited_then_resubmitted(write_post, editor, manager):
    post = services.post_submit(post=write_post(editor), user=editor)
    services.post_request_changes(post=post, user=manager, comment="Autre texte")
    post = _edit(post, editor, text="Nouveau texte")
    assert post.state == PostState.CHANGES_REQUESTED
    post = services.post_submit(post=post, user=editor)
    assert services.post_approve(post=post, user=manager).state == PostState.APPROVED


def test_approval_is_bound_to_content(write_post, editor, manager, second_account):
    post = _reviewed(write_post(editor), editor, manager)
    for change in ({"text": "Autre"}, {"accounts": [second_account]}):
        post = _edit(post, editor, **change)
        assert post.state == PostState.IN_REVIEW, change
        assert post.approved_by is None
        post = services.post_approve(post=post, user=manager)
    post = _edit(post, editor, target_texts={post.targets.get().account_id: "Texte pour ce réseau"})
    assert post.state == PostState.IN_REVIEW
    kinds = list(post.events.values_list("kind", flat=True))
    assert kinds.count(EventKind.BACK_TO_REVIEW) == 3


def test_edit_records_the_text_before_and_after(write_post, editor):
    post = _edit(write_post(editor, text="Avant"), editor, text="Après")
    event = post.events.get(kind=EventKind.EDITED)
    assert (event.actor, event.text_before, event.text_after) == (editor, "Avant", "Après")


def test_time_only_change_keeps_approval_and_is_recorded(write_post, editor, manager, tomorrow):
    post = _reviewed(write_post(editor), editor, manager)
    later = tomorrow + timedelta(hours=3)
    post = _edit(post, manager, scheduled_at=later)
    assert post.state == PostState.APPROVED and post.approved_by == manager
    event = post.events.get(kind=EventKind.RESCHEDULED)
    assert (event.scheduled_before, event.scheduled_after) == (tomorrow, later)
    post = services.post_reschedule(post=post, user=manager, scheduled_at=later + timedelta(days=1))
    assert post.state == PostState.APPROVED
    assert post.events.filter(kind=EventKind.RESCHEDULED).count() == 2


def test_editor_cannot_move_an_approved_post_when_the_brand_needs_approval(write_post, editor, manager, tomorrow):
    post = _reviewed(write_post(editor), editor, manager)
    with pytest.raises(PermissionDenied):
        services.post_reschedule(post=post, user=editor, scheduled_at=tomorrow + timedelta(hours=1))
    with pytest.raises(PermissionDenied):
        _edit(post, editor, scheduled_at=tomorrow + timedelta(hours=1))


def test_reschedule_refuses_the_past(write_post, editor):
    post = write_post(editor)
    with pytest.raises(ValidationError):
        services.post_reschedule(post=post, user=editor, scheduled_at=timezone.now() - timedelta(hours=1))


def test_stale_version_is_refused_and_nothing_is_saved(write_post, editor, manager):
    post = write_post(editor, text="Premier")
    opened_version = post.version
    _edit(post, manager, text="Le manager a changé")
    with pytest.raises(services.StaleVersion):
        services.post_update(
            post=post,
            user=editor,
            version=opened_version,
            content=PostContent(text="L'éditeur écrase", accounts=[t.account for t in post.targets.all()]),
        )
    post.refresh_from_db()
    assert post.text == "Le manager a changé"


def test_a_published_post_cannot_be_edited_moved_or_deleted(write_post, editor, manager, tomorrow):
    post = _reviewed(write_post(editor), editor, manager)
    post.targets.update(state=TargetState.PUBLISHED)
    with pytest.raises(WorkflowError):
        _edit(post, manager, text="Trop tard")
    with pytest.raises(WorkflowError):
        services.post_reschedule(post=post, user=manager, scheduled_at=tomorrow + timedelta(days=2))
    with pytest.raises(WorkflowError):
        services.post_delete(post=post, user=manager)


def test_editor_schedules_directly_when_the_brand_needs_no_approval(write_post, editor, brand_a):
    brand_a.approval_required = False
    brand_a.save()
    post = services.post_schedule(post=write_post(editor), user=editor)
    assert post.state == PostState.APPROVED
    assert post.approved_fingerprint


def test_schedule_needs_a_time(write_post, manager, owner):
    post = write_post(owner, scheduled_at=None)
    with pytest.raises(ValidationError):
        services.post_schedule(post=post, user=manager)


def test_duplicate_is_a_new_draft_without_time(write_post, editor, manager, second_account, account):
    original = _reviewed(write_post(editor, accounts=[account, second_account]), editor, manager)
    copy = services.post_duplicate(post=original, user=editor)
    assert copy.pk != original.pk and copy.state == PostState.DRAFT and copy.scheduled_at is None
    assert copy.text == original.text and copy.targets.count() == 2


def test_comment_mentions_notify_members(write_post, editor, manager):
    post = write_post(editor)
    comment = services.comment_add(post=post, user=editor, text=f"@{manager.email} tu valides ? <script>x</script>")
    assert list(comment.mentions.all()) == [manager]
    assert Notification.objects.get(user=manager).kind == "mentioned"


def test_viewer_may_comment_but_not_edit(write_post, editor, viewer):
    post = write_post(editor)
    services.comment_add(post=post, user=viewer, text="Joli")
    with pytest.raises(PermissionDenied):
        _edit(post, viewer, text="Non")


def test_display_status_follows_the_delivery(write_post, editor):
    post = write_post(editor)
    assert post.display_status == DisplayStatus.DRAFT
    other = PostTargetFactory(post=post)
    post.targets.update(state=TargetState.PUBLISHED)
    assert Post.objects.prefetch_related("targets").get(pk=post.pk).display_status == DisplayStatus.PUBLISHED
    other.state = TargetState.FAILED
    other.save()
    assert Post.objects.get(pk=post.pk).display_status == DisplayStatus.PARTLY_PUBLISHED
    post.targets.update(state=TargetState.FAILED)
    assert Post.objects.get(pk=post.pk).display_status == DisplayStatus.FAILED


def test_publish_failed_tells_author_and_managers(write_post, editor, manager, owner):
    from posts.notices import notify_publish_failed

    target = write_post(editor).targets.get()
    target.last_error = "Le jeton a expiré"
    notify_publish_failed(target=target)
    assert set(Notification.objects.values_list("user__email", flat=True)) == {editor.email, manager.email, owner.email}


def test_the_author_is_emailed_in_their_language_when_reviewed(
    write_post, editor, manager, django_capture_on_commit_callbacks
):
    editor.language = "fr"
    editor.save()
    post = services.post_submit(post=write_post(editor), user=editor)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.post_approve(post=post, user=manager)
    [email] = mail.outbox
    assert email.to == [editor.email]
    assert f"{manager} a approuvé votre publication «\u00a0Bonjour le monde\u00a0»." in email.subject
    assert f"/b/{post.brand.slug}/posts/{post.pk}/" in email.body


def test_nothing_is_sent_when_the_action_fails(write_post, editor, django_capture_on_commit_callbacks):
    post = services.post_submit(post=write_post(editor), user=editor)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(PermissionDenied):
        services.post_approve(post=post, user=editor)
    assert mail.outbox == []


def test_a_mention_by_display_name_notifies_that_member(write_post, editor, manager, viewer):
    manager.display_name = "Camille"
    manager.save()
    comment = services.comment_add(post=write_post(editor), user=viewer, text="Qu'en penses-tu @Camille ?")
    assert list(comment.mentions.all()) == [manager]
