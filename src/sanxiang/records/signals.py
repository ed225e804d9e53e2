"""Signals the record sends, so other apps (exchange) react without the record importing them."""

from django.dispatch import Signal

# kwargs: checkpoint. Sent inside the transaction that stores the new signed checkpoint.
checkpoint_signed = Signal()
