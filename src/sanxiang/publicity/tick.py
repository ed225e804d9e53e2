"""`sanxiang tick` job of publicity: mark overdue drafts and updates (alerts), expire publications
past their period, keep the public certificate register in step, and remind of the annual report
before 31 January (PUB-11)."""

from __future__ import annotations

import datetime as dt
import logging

from sanxiang.catalog import rules
from sanxiang.core import calendar, clock
from sanxiang.publicity import services, signals
from sanxiang.publicity.choices import PublicationStatus
from sanxiang.publicity.models import Publication, PublicReport

log = logging.getLogger("sanxiang.publicity")


def due_soon(today: dt.date):
    """Open drafts due within the warning window (PUB-05: alert at T-2)."""
    rule = rules.param("SX-PUB-05.warn_before", on=today)
    horizon = calendar.add_working_days(today, int(rule.value))
    return Publication.objects.filter(
        status__in=[PublicationStatus.DRAFT, PublicationStatus.CHECKED],
        due_on__gte=today,
        due_on__lte=horizon,
        published_version=0,
    )


def annual_report_reminder(today: dt.date) -> dt.date | None:
    """The due date of last year's report while it is unpublished and the due date is near."""
    rule = rules.param("PUB-11.due", on=today)
    extra = rule.value if isinstance(rule.value, dict) else rule.extra
    month = int(extra.get("month", 1))
    day = int(extra.get("day", 31))
    due = dt.date(today.year, month, day)
    if today > due or (due - today).days > 31:
        return None
    if PublicReport.objects.filter(year=today.year - 1).exists():
        return None
    return due


def run() -> dict:
    today = clock.today()
    overdue = services.mark_overdue(today)
    for pub in overdue:
        log.warning("publication overdue: %s (%s) due %s", pub.pk, pub.agency.code, pub.due_on)
        signals.publication_overdue.send(Publication, publication=pub)
    expired = services.expire_due(today)
    officers = services.sync_all_officers()
    reminder = annual_report_reminder(today)
    if reminder:
        signals.annual_report_due.send(PublicReport, year=today.year - 1, due_on=reminder)
    return {
        "newly_overdue": len(overdue),
        "expired": expired,
        "due_soon": due_soon(today).count(),
        "officers": officers,
        "annual_report_due": reminder.isoformat() if reminder else None,
    }
