from django.dispatch import Signal

# Sent inside the transaction of every supervision change the provincial supervision information
# system must receive (《行政执法监督条例》 Art. 37 ¶2): tasks, instruments, rectification status,
# findings, clues and the officer and subject registers. The payload is plain JSON built here, so a
# receiver (the exchange outbox) needs no knowledge of supervision models. Supervision never
# imports exchange.
supervision_changed = Signal()  # kwargs: topic, key, payload, agency
