from django.core.management.base import BaseCommand

from sanxiang.catalog.services import load_laws


class Command(BaseCommand):
    help = "Load the law texts shipped under catalog/data/laws (idempotent)."

    def handle(self, **_):
        for law in load_laws():
            self.stdout.write(f"{law} — {law.articles.count()} articles")
