from django.db.models.signals import post_save
from django.dispatch import receiver

from posts.models import PostEvent


@receiver(post_save, sender=PostEvent, dispatch_uid="api.webhooks.announce")
def announce_post_event(sender, instance: PostEvent, created: bool, raw: bool = False, **kwargs) -> None:
    if created and not raw:
        from api.webhooks import announce

        announce(instance)
