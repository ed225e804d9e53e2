"""Signals publicity sends, so supervision can turn them into its own alerts and exchange into
outbox messages without publicity importing either."""

from django.dispatch import Signal

publication_overdue = Signal()  # kwargs: publication (newly past its due date)
annual_report_due = Signal()  # kwargs: year, due_on (the annual report is not yet published)
# kwargs: publication, change ("published" | "updated" | "withdrawn"), snapshot (the PublicDecision,
# masked), note. Sent inside the transaction of the change, so a receiver's writes commit with it.
publication_changed = Signal()
