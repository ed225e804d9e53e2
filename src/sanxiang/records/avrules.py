"""Audio/video rules as data (DESIGN.md I4; records/data/av-rules.yaml).

How an officer attaches the video "of that step" before firing it: the recording is uploaded to
the case as an evidence item whose *act* is the act it recorded (e.g. 实施查封扣押 → `seizure`),
usually with the body-worn camera's number, wearer and start/end time. When the act is then
recorded as done, the guard below requires at least one such item not yet used for another act;
the transition binds every such item to the new event (`AVCoverage`) and lists their hashes in the
transition's record entry, so the chain proves which video recorded which seizure
(docs/adr/0005-av-evidence-before-the-act.md).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from django.utils.translation import gettext
from django.utils.translation import gettext_noop as N_

from sanxiang.core.errors import DomainError
from sanxiang.records.models import AVCoverage, Evidence, MediaKind

DATA = Path(__file__).parent / "data" / "av-rules.yaml"
REQUIRED, RECOMMENDED = "required", "recommended"


@dataclass(frozen=True)
class AVRule:
    act: str
    level: str
    label: str
    media: tuple[str, ...]
    source: str
    confidence: str
    when: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    unless: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    note: str = ""

    @property
    def required(self) -> bool:
        return self.level == REQUIRED

    @property
    def media_labels(self) -> str:
        return "、".join(str(MediaKind(m).label) for m in self.media)

    def applies(self, data: Mapping[str, Any], attributes: Mapping[str, Any]) -> bool:
        def value(key: str) -> str:
            if key.startswith("case:"):
                return str(attributes.get(key[5:], "") or "")
            return str(data.get(key, "") or "")

        if any(value(k) not in v for k, v in self.when.items()):
            return False
        return not any(value(k) in v for k, v in self.unless.items())


@cache
def rules() -> tuple[AVRule, ...]:
    loaded = []
    for raw in yaml.safe_load(DATA.read_text(encoding="utf-8")):
        loaded.append(
            AVRule(
                act=raw["act"],
                level=raw["level"],
                label=raw["label"],
                media=tuple(raw["media"]),
                source=raw["source"],
                confidence=raw["confidence"],
                when={k: tuple(v) for k, v in (raw.get("when") or {}).items()},
                unless={k: tuple(v) for k, v in (raw.get("unless") or {}).items()},
                note=raw.get("note", ""),
            )
        )
        assert loaded[-1].level in (REQUIRED, RECOMMENDED), raw
    return tuple(loaded)


def rule_for(act: str, data: Mapping[str, Any], attributes: Mapping[str, Any]) -> AVRule | None:
    """The rule that applies to this act with these inputs: a required rule before a recommended one."""
    if not act:
        return None
    matching = [r for r in rules() if r.act == act and r.applies(data, attributes)]
    matching.sort(key=lambda r: not r.required)
    return matching[0] if matching else None


def rules_for_act(act: str) -> list[AVRule]:
    return [r for r in rules() if r.act == act]


def unbound_items(case, act: str, media: tuple[str, ...]):
    """AV items uploaded for `act` that have not recorded another act yet and are not set aside."""
    return (
        Evidence.objects.filter(case=case, act=act, media_kind__in=media, event__isnull=True)
        .filter(supersession__isnull=True, coverage__isnull=True)
        .select_related("blob", "entry")
        .order_by("uploaded_at", "pk")
    )


def guard(ctx) -> None:
    """I4: a required act cannot be recorded as done without its recording (registered on every
    transition; acts without a rule pass at once)."""
    rule = rule_for(ctx.transition.act, ctx.data, ctx.case.attributes)
    if rule is None:
        return
    items = list(unbound_items(ctx.case, rule.act, rule.media))
    if rule.required and not items:
        raise DomainError(
            "records.av.required",
            gettext(
                "“%(label)s”属于须全程音像记录的执法活动（%(activity)s）。请先在本案“证据与音像记录”中上传本次执法的%(media_labels)s（执法行为选“%(label)s”），再办理。依据：%(source)s"
            )
            % {
                "label": gettext(ctx.transition.label),
                "activity": rule.label,
                "media_labels": rule.media_labels,
                "source": rule.source,
            },
        )
    ctx.extras["records.av"] = (rule, items)


def bind(ctx, event) -> list[dict[str, Any]]:
    """Tie the items the guard found to the fired event; returns what the entry payload lists."""
    _, items = ctx.extras.get("records.av", (None, []))
    bound = []
    for item in items:
        AVCoverage.objects.create(event=event, evidence=item)
        bound.append({"evidence": item.entry.seq, "sha256": item.blob.sha256, "media_kind": item.media_kind})
    return bound


# --- the case page: AV coverage of every step --------------------------------------------------


@dataclass
class CoverageRow:
    label: str
    rule: AVRule
    status: str  # covered | missing | pending
    event: Any = None
    items: list = field(default_factory=list)
    waiting: list = field(default_factory=list)

    @property
    def badge(self) -> str:
        if self.status == "covered":
            return "ok"
        return "bad" if self.rule.required and self.status == "missing" else "warn"

    @property
    def status_label(self) -> str:
        return {
            "covered": N_("已记录"),
            "missing": N_("缺少音像记录"),
            "pending": N_("待实施"),
        }[self.status]


def coverage(case) -> list[CoverageRow]:
    rows: list[CoverageRow] = []
    definition = case.definition
    events = list(case.events.order_by("seq"))
    by_event: dict[int, list] = {}
    for link in AVCoverage.objects.filter(event__case=case).select_related("evidence__blob"):
        by_event.setdefault(link.event_id, []).append(link.evidence)
    for item in Evidence.objects.filter(case=case, event__isnull=False).select_related("blob"):
        if item.media_kind in (MediaKind.PHOTO, MediaKind.AUDIO, MediaKind.VIDEO):
            by_event.setdefault(item.event_id, []).append(item)
    for event in events:
        if event.transition == "open":
            continue
        try:
            move = definition.transition(event.transition)
        except KeyError:
            continue
        rule = rule_for(move.act, event.data, case.attributes)
        if rule is None:
            continue
        items = [i for i in by_event.get(event.pk, []) if i.media_kind in rule.media]
        rows.append(CoverageRow(move.label, rule, "covered" if items else "missing", event, items))
    for move in definition.available(case.stage):
        rule = rule_for(move.act, {}, case.attributes) or next(iter(rules_for_act(move.act)), None)
        if rule is not None:
            waiting = list(unbound_items(case, rule.act, rule.media))
            rows.append(CoverageRow(move.label, rule, "pending", None, [], waiting))
    return rows
