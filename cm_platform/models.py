from django.db import models
from django.utils import timezone


class Heartbeat(models.Model):
    """The last time a background process showed it was alive (beat, the dispatcher, ...).

    Stored in the database, not a cache, because web, worker and beat are separate processes.
    """

    name = models.CharField(max_length=50, unique=True)
    beat_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.name} @ {self.beat_at:%Y-%m-%d %H:%M:%S}"

    @classmethod
    def touch(cls, name: str) -> None:
        # One UPDATE once the row exists (update_or_create would lock, read, then write); the
        # rare first touch goes through update_or_create, which the unique name keeps single.
        now = timezone.now()
        if not cls.objects.filter(name=name).update(beat_at=now):
            cls.objects.update_or_create(name=name, defaults={"beat_at": now})

    @classmethod
    def age(cls, name: str) -> float | None:
        """Seconds since the last beat of `name`, or None if it never beat."""
        beat_at = cls.objects.filter(name=name).values_list("beat_at", flat=True).first()
        return None if beat_at is None else (timezone.now() - beat_at).total_seconds()
