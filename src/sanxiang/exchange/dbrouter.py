"""Read replicas for the portal and reports (DESIGN.md: scale-out).

With `DATABASE_REPLICA_URL` set, settings add a `replica` database. Reads go there only inside
`replica_reads()` — the portal's requests (ReplicaReadsMiddleware) and report jobs that wrap
themselves in it — because the portal reads published snapshots that tolerate replication lag,
while a staff user must read their own writes. Writes, migrations and everything else use
`default`. Without a replica configured the router routes nothing (Django's default).
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator

from django.conf import settings

REPLICA = "replica"
_state = threading.local()


@contextlib.contextmanager
def replica_reads() -> Iterator[None]:
    previous = getattr(_state, "on", False)
    _state.on = True
    try:
        yield
    finally:
        _state.on = previous


def _replica_configured() -> bool:
    return REPLICA in settings.DATABASES


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        if getattr(_state, "on", False) and _replica_configured():
            return REPLICA
        return None

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the replica is a physical copy of default: same rows, same ids

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db != REPLICA
