"""`sanxiang report <name> [options]` — dispatches to the reports the apps registered
(core/reports.py). `sanxiang report` alone lists them."""

import argparse

from django.core.management.base import BaseCommand, CommandError

from sanxiang.core import reports


class Command(BaseCommand):
    help = "Produce a registered report: sanxiang report <name> --help"

    def add_arguments(self, parser):
        parser.add_argument("name", nargs="?", help="report name")
        parser.add_argument("args", nargs=argparse.REMAINDER, help="the report's own options")

    def handle(self, *args, name=None, **options):
        report = reports.get(name) if name else None
        if report is None:
            available = "\n".join(f"  {r.name:<12} {r.help}" for r in reports.reports())
            if name:
                raise CommandError(f"unknown report {name!r}; available:\n{available}")
            self.stdout.write(f"reports:\n{available}")
            return
        parser = reports.parser_for(report)
        try:
            parsed = parser.parse_args(list(options.get("args") or args))
        except SystemExit as exit_:
            if exit_.code:
                raise CommandError(f"invalid options for report {name!r}") from None
            return
        report.run(parsed, self.stdout)
