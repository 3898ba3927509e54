from django.db.models.signals import post_save
from django.dispatch import receiver

from listening.models import Alert
from posts.models import PostEvent


@receiver(post_save, sender=PostEvent, dispatch_uid="api.webhooks.announce")
def announce_post_event(sender, instance: PostEvent, created: bool, raw: bool = False, **kwargs) -> None:
    if created and not raw:
        from api.webhooks import announce

        announce(instance)


# Listening comes before api in the layers: it cannot call api, so api listens for its alerts.
@receiver(post_save, sender=Alert, dispatch_uid="api.webhooks.announce_alert")
def announce_listening_alert(sender, instance: Alert, created: bool, raw: bool = False, **kwargs) -> None:
    if created and not raw:
        from api.webhooks import announce_alert

        announce_alert(instance)
