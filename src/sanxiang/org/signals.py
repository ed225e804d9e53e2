from django.dispatch import Signal

# Sent inside the transaction that changed a certificate (issue, status change); receivers
# (the record log, the exchange outbox) write in the same transaction.
certificate_changed = Signal()  # kwargs: certificate, actor, change
