"""The record in the demo: body-camera video before every seizure and forced demolition (I4),
photos of inspections, hearing recordings, supervisors reading case files with reasons, an access
request on a sensitive case, and signed checkpoints — so `sanxiang verify` and the transparency
page have something real to show."""

from __future__ import annotations

import datetime as dt
import io
import logging
import random

from django.db import transaction

from sanxiang.core import clock
from sanxiang.core.roles import Role
from sanxiang.records import access, avrules, samples
from sanxiang.records.checkpoints import make_checkpoint
from sanxiang.records.evidence import add_evidence

log = logging.getLogger(__name__)
DEVICES = ("DSJ-0107", "DSJ-0212", "DSJ-0318", "DSJ-0425")


def _rng(cast, case) -> random.Random:
    return getattr(cast, "rng", None) or random.Random(case.pk)  # noqa: S311 - demo data


def _handler(case):
    return case.handlers.order_by("pk").first()


def _video(case, act: str, title: str, cast) -> None:
    officer = _handler(case)
    if officer is None or avrules.unbound_items(case, act, ("video",)).exists():
        return
    end = clock.now() - dt.timedelta(minutes=_rng(cast, case).randint(10, 90))
    add_evidence(
        case=case,
        source=io.BytesIO(samples.mp4(f"{case.number}-{act}-{end.isoformat()}")),
        actor=officer,
        title=title,
        evidence_type="audiovisual",
        media_kind="video",
        filename=f"{DEVICES[case.pk % len(DEVICES)]}_{end:%Y%m%d_%H%M%S}.mp4",
        act=act,
        device_number=DEVICES[case.pk % len(DEVICES)],
        captured_by=officer,
        captured_at=end - dt.timedelta(minutes=25),
        captured_until=end,
        place=case.place or case.attributes.get("place", "") or "执法现场",
    )


def _photo(case, title: str, cast, *, act: str = "", event=None) -> None:
    officer = _handler(case)
    if officer is None:
        return
    rng = _rng(cast, case)
    add_evidence(
        case=case,
        source=io.BytesIO(
            samples.png(f"{case.number}-{title}-{rng.random()}", color=(rng.randint(30, 200), 110, 160))
        ),
        actor=officer,
        title=title,
        evidence_type="physical",
        media_kind="photo",
        filename=f"IMG_{rng.randint(1, 9999):04d}.png",
        act=act,
        event=event,
        captured_at=clock.now() - dt.timedelta(hours=1),
        captured_by=officer,
    )


def seizure_video(case, transition, cast):
    _video(case, "seizure", "查封扣押现场执法记录仪视频", cast)
    _photo(case, "查封扣押财物照片", cast, act="seizure")


def demolition_video(case, transition, cast):
    _video(case, "demolition", "强制拆除全过程执法记录仪视频", cast)


def enforcement_video(case, transition, cast):
    rule = avrules.rule_for("enforcement", {}, case.attributes)
    if rule is not None and rule.required:
        _video(case, "enforcement", "现场强制执行执法记录仪视频", cast)


def inspection_photos(case, transition, cast):
    if _rng(cast, case).random() < 0.7:
        event = case.events.filter(transition=transition).order_by("-seq").first()
        _photo(case, "现场检查照片", cast, event=event.seq if event else None)


def hearing_recording(case, transition, cast):
    officer = _handler(case)
    if officer is not None:
        add_evidence(
            case=case,
            source=io.BytesIO(samples.mp3(f"{case.number}-hearing")),
            actor=officer,
            title="听证会录音",
            evidence_type="audiovisual",
            media_kind="audio",
            filename="hearing.mp3",
            act="hearing",
        )


def occasional_checkpoint(case, transition, cast):
    if _rng(cast, case).random() < 0.25:
        make_checkpoint()


def supervised_reads(cast):
    """Supervisors read a few files with reasons; one sensitive case gets an approved request."""
    from sanxiang.cases.models import Case
    from sanxiang.org.models import User

    if not getattr(cast, "first_load", True):
        return
    supervisors = list(User.objects.filter(groups__name=Role.SUPERVISOR, is_active=True)[:2])
    cases = list(Case.objects.select_related("agency__division").order_by("pk")[:40])
    rng = random.Random(7)  # noqa: S311 - demo data
    for supervisor in supervisors:
        for case in rng.sample(cases, min(4, len(cases))):
            if access.may_read(supervisor, case, "案卷评查"):
                access.open_case(
                    supervisor, case, door="web", reason=rng.choice(["案卷评查", "投诉核查", "执法监督检查"])
                )
    sensitive = next((c for c in cases if c.sensitive), None)
    if sensitive is not None:
        _sensitive_request(sensitive)
    with transaction.atomic():
        make_checkpoint()


def _sensitive_request(case) -> None:
    from sanxiang.org.models import User

    handlers = set(case.handlers.values_list("pk", flat=True))
    colleague = (
        User.objects.filter(agency=case.agency, groups__name=Role.OFFICER, is_active=True)
        .exclude(pk__in=handlers)
        .first()
    )
    head = User.objects.filter(agency=case.agency, groups__name=Role.HEAD, is_active=True).first()
    if colleague is None or head is None:
        return
    request = access.request_access(colleague, case, reason="关联案件比对核查（演示）")
    access.decide_request(request, actor=head, approve=True, note="同意，限三日内查阅")
    access.open_case(colleague, case, door="web")


def register(hooks) -> None:
    hooks.before("execute", procedure="coercion.measure")(seizure_video)
    hooks.before("execute_emergency", procedure="coercion.measure")(seizure_video)
    hooks.before("demolish", procedure="coercion.enforcement")(demolition_video)
    hooks.before("execute", procedure="coercion.enforcement")(enforcement_video)
    hooks.after("inspect")(inspection_photos)
    hooks.before("hold_hearing")(hearing_recording)
    hooks.after("close")(occasional_checkpoint)
    hooks.finally_(supervised_reads)
