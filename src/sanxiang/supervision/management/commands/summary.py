"""`sanxiang summary rebuild [--from YYYY-MM-DD] [--to YYYY-MM-DD]`: recount the dashboard's
daily summary from the cases (after a bulk load, an import written around the services, a
restore). Without dates: every day any case counts on. `sanxiang tick` does yesterday and today."""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from sanxiang.supervision.services import summary


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"not a date (YYYY-MM-DD): {text}") from None


class Command(BaseCommand):
    help = "The dashboard's daily case summary: rebuild it from the cases for a range of days."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        rebuild = sub.add_parser("rebuild", help="recount the days [--from, --to] (default: all)")
        rebuild.add_argument("--from", dest="date_from", default="", help="first day, YYYY-MM-DD")
        rebuild.add_argument("--to", dest="date_to", default="", help="last day, YYYY-MM-DD")

    def handle(self, *args, action, date_from="", date_to="", **_):
        first = _date(date_from) if date_from else None
        last = _date(date_to) if date_to else None
        if first and last and first > last:
            raise CommandError("--from is after --to")
        done = summary.rebuild(first, last)
        self.stdout.write(
            f"daily summary {done['from']} … {done['to']}: {done['rows']} rows "
            f"({done.get('opened', 0)} registered, {done.get('closed', 0)} closed) in {done['seconds']} s\n"
        )
