"""Signals publicity sends, so supervision can turn them into its own alerts without publicity
importing it."""

from django.dispatch import Signal

publication_overdue = Signal()  # kwargs: publication (newly past its due date)
annual_report_due = Signal()  # kwargs: year, due_on (the annual report is not yet published)
