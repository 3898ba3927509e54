"""People who left a brand hear nothing more about it: notifications and emails are addressed to
those who belong to the brand when they are sent."""

from django.core import mail

from accounts import services as accounts
from accounts.models import Membership
from accounts.roles import Role
from networks import services as networks
from notifications.models import Notification
from posts import services
from posts.notices import notify_publish_failed


def _remove(user, brand, by):
    accounts.membership_remove(membership=Membership.objects.get(user=user, brand=brand), by=by)


def test_an_author_who_left_is_not_told_their_post_was_approved(
    write_post, editor, manager, owner, brand_a, django_capture_on_commit_callbacks
):
    post = services.post_submit(post=write_post(editor), user=editor)
    _remove(editor, brand_a, by=owner)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.post_approve(post=post, user=manager)
    assert not Notification.objects.filter(user=editor).exists()
    assert all(editor.email not in message.to for message in mail.outbox)


def test_a_reviewer_who_left_is_not_asked_to_review(
    write_post, editor, manager, owner, brand_a, django_capture_on_commit_callbacks
):
    post = write_post(editor)
    _remove(manager, brand_a, by=owner)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.post_submit(post=post, user=editor)
    assert set(Notification.objects.values_list("user", flat=True)) == {owner.pk}
    assert [message.to for message in mail.outbox] == [[owner.email]]


def test_a_failed_post_is_not_reported_to_its_author_who_left(write_post, editor, manager, owner, brand_a):
    target = write_post(editor).targets.get()
    _remove(editor, brand_a, by=owner)
    target.last_error = "Refused"
    notify_publish_failed(target=target)
    assert set(Notification.objects.values_list("user__email", flat=True)) == {manager.email, owner.email}


def test_an_owner_who_left_gets_no_email_about_the_brand_networks(owner, manager, brand_a, account):
    second_owner = Membership.objects.get(user=manager, brand=brand_a)
    accounts.membership_change_role(membership=second_owner, by=owner, role=Role.OWNER)
    _remove(owner, brand_a, by=manager)
    mail.outbox.clear()
    networks.email_owners(account, lambda link: ("Reconnect", f"Go to {link}"))
    assert [message.to for message in mail.outbox] == [[manager.email]]
