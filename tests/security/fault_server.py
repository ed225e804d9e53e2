"""A second Sanxiang server for the fault tests (tests/security/test_faults.py): a process of its own
with its own database connection, running one service call per JSON line read on stdin and
answering one JSON line on stdout.

    {"op": "transition", "case": 12, "name": "decide", "actor": 3, "data": {}}
    {"op": "issue", "case": 12, "template": "penalty_decision", "actor": 3}
    {"op": "publish", "publication": 5, "actor": 7}
    {"op": "batch", "commands": [...]}                  → {"results": [...]}
    → {"ok": true, ...} or {"refused": "<stable code>"}

`"pause": "module:function"` in a command makes that function, once it has returned (inside the
service's transaction), print {"inside": true} and wait for a line on stdin before going on — the
moment the parent kills the process, or lets another server run into the same case. At start the
server prints {"ready": true, "backend": <PostgreSQL backend pid or null>}.

Run with DATABASE_URL (the test database), SANXIANG_VAR_DIR and SANXIANG_TEST_NOW (the parent's
frozen clock): `python -m tests.security.fault_server`.
"""

from __future__ import annotations

import datetime as dt
import importlib
import json
import os
import sys

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sanxiang.settings")


def say(message: dict) -> None:
    print(json.dumps(message, ensure_ascii=False), flush=True)


def paused(target: str):
    """Wrap `module:function` so it stops, once it has returned, until the parent says go."""
    module_name, name = target.split(":")
    module = importlib.import_module(module_name)
    original = getattr(module, name)

    def wrapper(*args, **kwargs):
        result = original(*args, **kwargs)
        say({"inside": True})
        sys.stdin.readline()
        return result

    setattr(module, name, wrapper)
    return lambda: setattr(module, name, original)


def run(command: dict) -> dict:
    from sanxiang.cases import services as cases
    from sanxiang.cases.models import Case
    from sanxiang.core.errors import DomainError
    from sanxiang.documents import services as documents
    from sanxiang.org.models import User
    from sanxiang.publicity import services as publicity
    from sanxiang.publicity.models import Publication

    if command["op"] == "batch":
        return {"results": [run(c) for c in command["commands"]]}
    restore = paused(command["pause"]) if command.get("pause") else None
    actor = User.objects.get(pk=command["actor"])
    try:
        if command["op"] == "transition":
            case = cases.transition(
                Case.objects.get(pk=command["case"]), command["name"], actor=actor, data=command.get("data")
            )
            return {"ok": True, "stage": case.stage, "version": case.version}
        if command["op"] == "issue":
            document = documents.issue(Case.objects.get(pk=command["case"]), command["template"], actor=actor)
            return {"ok": True, "number": document.number_text}
        if command["op"] == "publish":
            pub = publicity.publish(Publication.objects.get(pk=command["publication"]), actor=actor)
            return {"ok": True, "version": pub.published_version}
        raise ValueError(f"unknown op {command['op']}")
    except DomainError as refusal:
        return {"refused": refusal.code}
    finally:
        if restore is not None:
            restore()


def main() -> None:
    import django

    django.setup()
    from django.db import connection

    from sanxiang.core import clock

    clock.set_frozen(dt.datetime.fromisoformat(os.environ["SANXIANG_TEST_NOW"]))
    backend = None
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            backend = cursor.fetchone()[0]
    say({"ready": True, "backend": backend})
    while line := sys.stdin.readline():
        if line.strip():
            say(run(json.loads(line)))


if __name__ == "__main__":
    main()
