from django.core.management.base import BaseCommand

from sanxiang.records.keys import ensure_signing_key


class Command(BaseCommand):
    help = "Create the record checkpoint signing key (Ed25519) outside the database if it is missing."

    def handle(self, **_):
        path, created = ensure_signing_key()
        self.stdout.write(f"{'created' if created else 'using'} signing key {path}")
