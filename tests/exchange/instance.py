"""Drive one Sanxiang instance (its own SANXIANG_VAR_DIR and SQLite file) for the end-to-end
test of two linked instances:

    python tests/exchange/instance.py city PROVINCE_INBOX_URL SECRET   # a decided case, an endpoint
    python tests/exchange/instance.py province SECRET                   # accepts the city as source
    python tests/exchange/instance.py deliver                           # one worker sweep
    python tests/exchange/instance.py received                          # the received log as JSON
"""

from __future__ import annotations

import json
import os
import sys

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sanxiang.settings")


def main(argv: list[str]) -> None:
    import django

    django.setup()
    from django.core.management import call_command

    command = argv[0]
    if command == "city":
        from sanxiang.exchange.models import Endpoint
        from tests.exchange.helpers import decided_case
        from tests.factories import World

        Endpoint.objects.create(
            name="省级平台",
            url=argv[1],
            secret=argv[2],
            max_attempts=20,
            backoff_base_seconds=0.1,
            backoff_max_seconds=0.5,
            timeout_seconds=3,
        )
        case = decided_case(World())
        print(json.dumps({"case": case.number}))
    elif command == "province":
        from sanxiang.exchange.models import InboundSource

        InboundSource.objects.create(name="city", secret=argv[1])
    elif command == "deliver":
        call_command("exchange_worker", once=True, budget=10)
    elif command == "seed":
        _seed()
    elif command == "summary":
        print(json.dumps(_summary(), ensure_ascii=False, sort_keys=True))
    elif command == "received":
        from sanxiang.exchange.models import ReceivedMessage

        rows = ReceivedMessage.objects.order_by("id").values(
            "message_id", "topic", "key", "key_seq", "payload"
        )
        print(json.dumps([{**r, "message_id": str(r["message_id"])} for r in rows], ensure_ascii=False))


def _seed() -> None:
    """A little of everything a backup must carry: cases, record entries, evidence, outbox, key."""
    import io

    from django.db import transaction

    from sanxiang.core.roles import Role
    from sanxiang.exchange.models import Endpoint
    from sanxiang.records import evidence, keys, samples
    from tests.exchange.helpers import decided_case
    from tests.factories import World, staff

    keys.ensure_signing_key()
    Endpoint.objects.create(name="省级平台", url="http://127.0.0.1:9/", secret="backup-test-secret")
    world = World()
    staff(world.agency, Role.ADMIN, certified=False, username="backup-admin")
    case = decided_case(world)
    with transaction.atomic():
        evidence.add_evidence(
            case=case,
            source=io.BytesIO(samples.mp4("backup" + "0" * 65000)),  # a real (tiny) MP4, ~65 KB
            actor=world.officer,
            title="现场执法记录仪视频",
            evidence_type="audiovisual",
            media_kind="video",
            media_type="video/mp4",
        )


def _summary() -> dict:
    from django.core.files.storage import default_storage

    from sanxiang.cases.models import Case
    from sanxiang.exchange.models import Delivery, OutboxMessage
    from sanxiang.records import keys
    from sanxiang.records.models import Blob, Entry, LogHead

    head = LogHead.objects.get(pk=1)
    return {
        "cases": list(Case.objects.values_list("number", "stage", "version")),
        "entries": Entry.objects.count(),
        "size": head.size,
        "frontier": head.frontier,
        "outbox": OutboxMessage.objects.count(),
        "deliveries": Delivery.objects.count(),
        "blobs": [[b.sha256, default_storage.size(b.storage_name)] for b in Blob.objects.all()],
        "public_key": keys.public_key_pem(),
    }


if __name__ == "__main__":
    main(sys.argv[1:])
