"""`make run`'s listening demo: the demo brand listens for its name on a feed shipped with the code.

The demo source is of kind DEMO_FILE: it reads listening/demo/feed.xml from the code folder, not a
URL, so the SSRF guard is not loosened for the demo (no private address is allowed anywhere), and
no form offers that kind (only this command makes one). Its entries appear a few at a time, one
more each interval (60 s), so a newcomer sees mentions arrive on the mentions page. About seven
minutes in, ten of them hold the brand's name within the hour: a spike alert, whose page opens
the crisis room, where a saved holding statement waits.
"""

from django.core.management.base import BaseCommand, CommandError

from accounts.models import Brand
from listening.models import SavedSearch, Source, SourceKind
from posts.models import SavedText

HOLDING_STATEMENT = (
    "Nous avons bien lu vos messages sur nos lampes. Nous analysons la situation avec nos équipes "
    "et revenons vers vous aujourd’hui. Vous pouvez nous écrire en privé pour tout cas urgent."
)


class Command(BaseCommand):
    help = "Give the demo brand (run `demo` first) a saved search and a demo feed source."

    def handle(self, *args, **options):
        brand = Brand.objects.filter(slug="demo").first()
        if brand is None:
            raise CommandError("Run `manage.py demo` first: there is no demo brand.")
        SavedSearch.objects.get_or_create(
            brand=brand,
            name="Maison Lumière",
            defaults={"expression": '("maison lumière" OR #maisonlumière) NOT recrute', "languages": ["fr", "en"]},
        )
        source, created = Source.objects.get_or_create(
            brand=brand,
            kind=SourceKind.DEMO_FILE,
            defaults={"name": "Forum déco (démonstration)", "url": "", "interval": 60},
        )
        SavedText.objects.get_or_create(
            brand=brand,
            kind=SavedText.Kind.CAPTION,
            name="Déclaration d’attente",
            defaults={"text": HOLDING_STATEMENT},
        )
        state = "created" if created else "already there"
        self.stdout.write(self.style.SUCCESS(f"Listening demo: saved search and demo feed ({state})."))
