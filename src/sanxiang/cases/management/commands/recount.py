"""`sanxiang recount`: set each agency's case tally to the cases counted now — after SQL written
around the ORM (a bulk load, a hand repair). One `GROUP BY` over every case with the tallies
locked, so it is a command to run when needed, not a periodic job (cases/tally.py)."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from sanxiang.cases import tally


class Command(BaseCommand):
    help = "Recount each agency's case tally from the cases."

    def handle(self, *args, **options):
        done = tally.recount()
        counted = f"{done['cases']} cases in {done['agencies']} agencies"
        self.stdout.write(f"case tallies: {counted}, {done['corrected']} corrected\n")
