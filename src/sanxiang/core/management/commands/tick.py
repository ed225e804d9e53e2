from django.core.management.base import BaseCommand

from sanxiang.core import ticks


class Command(BaseCommand):
    help = "Periodic work: deadlines, alerts, scheduled publications (run every few minutes)."

    def handle(self, **_):
        for name, result in ticks.run_all().items():
            self.stdout.write(f"{name}: {result}")
