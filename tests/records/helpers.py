"""Test helpers of the record: attach what an act needs before it fires (I4), upload samples."""

from __future__ import annotations

import datetime as dt
import io

from sanxiang.core import clock
from sanxiang.records import avrules, samples
from sanxiang.records.evidence import add_evidence


def upload(world, case, *, kind="photo", actor=None, title="现场照片", salt="", **meta):
    data = {
        "photo": samples.png,
        "video": samples.mp4,
        "audio": samples.mp3,
        "document": samples.pdf,
    }[kind](salt or f"{case.number}-{title}-{clock.now().isoformat()}")
    meta.setdefault("evidence_type", "audiovisual" if kind in ("video", "audio") else "physical")
    return add_evidence(
        case=case, source=io.BytesIO(data), actor=actor or world.officer, title=title, media_kind=kind, **meta
    )


def bodycam_video(world, case, act: str, *, title="执法记录仪视频", salt=""):
    now = clock.now()
    return upload(
        world,
        case,
        kind="video",
        title=title,
        salt=salt,
        act=act,
        device_number="DSJ-0042",
        captured_by=world.officer,
        captured_at=now - dt.timedelta(minutes=30),
        captured_until=now - dt.timedelta(minutes=5),
        place="测试路1号",
    )


def prepare_act(world, case, name: str, data: dict) -> None:
    """Before firing `name`, attach the recording a required AV rule asks for."""
    move = case.definition.transition(name)
    rule = avrules.rule_for(move.act, data, case.attributes)
    if rule is not None and rule.required and not avrules.unbound_items(case, rule.act, rule.media).exists():
        bodycam_video(world, case, rule.act, title=f"{move.label}录像")


class triggers_dropped:
    """What an attacker with database access does first: drop the append-only triggers."""

    def __enter__(self):
        from django.db import connection

        from sanxiang.records import maintenance

        maintenance.run(connection, maintenance.uninstall_statements(connection))
        return self

    def __exit__(self, *exc):
        from django.db import connection

        from sanxiang.records import maintenance

        maintenance.run(connection, maintenance.install_statements(connection))


def raw(sql: str, params=()):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall() if cursor.description else None
