"""Audio/video coverage counted across cases (I4): which fired acts had to be recorded on video, and
whether they were. One computation for the supervision dashboard, the compliance scorecard and the
annual statistics report, so the three never disagree."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence

from django.db.models import Q
from django.utils import timezone

CHUNK = 500  # ids per IN (…) — well under SQLite's parameter limit


def required_av_transitions() -> dict[str, dict[str, str]]:
    """procedure → {transition: act} for the acts that have a *required* audio/video rule."""
    from sanxiang.cases.workflow import registry
    from sanxiang.records import avrules

    required_acts = {r.act for r in avrules.rules() if r.required}
    out: dict[str, dict[str, str]] = {}
    for procedure in registry.procedures():
        moves = {t.name: t.act for t in procedure.transitions if t.act in required_acts}
        if moves:
            out[procedure.code] = moves
    return out


def required_events(agency_ids, date_from: dt.date, date_to: dt.date) -> list[tuple[int, int, int, bool]]:
    """(agency_id, case_id, event_id, covered) for each act fired between the two dates (inclusive)
    that had to be recorded on video."""
    from sanxiang.cases.models import CaseEvent
    from sanxiang.records import avrules
    from sanxiang.records.models import AVCoverage, Evidence

    moves = required_av_transitions()
    if not moves:
        return []
    which = Q(pk__in=[])
    for procedure, transitions in moves.items():
        which |= Q(case__procedure=procedure, transition__in=list(transitions))
    start, end = _bounds(date_from, date_to)
    events = (
        CaseEvent.objects.filter(case__agency_id__in=agency_ids, at__gte=start, at__lt=end)
        .filter(which)
        .values_list(
            "pk", "case_id", "case__agency_id", "case__procedure", "transition", "data", "case__attributes"
        )
    )
    required: dict[int, tuple[int, int, tuple[str, ...]]] = {}
    for pk, case_id, agency_id, procedure, transition, data, attributes in events:
        rule = avrules.rule_for(moves[procedure][transition], data or {}, attributes or {})
        if rule is not None and rule.required:
            required[pk] = (agency_id, case_id, rule.media)
    recorded: dict[int, set[str]] = defaultdict(set)
    for part in _chunks(list(required)):
        for event_id, kind in AVCoverage.objects.filter(event_id__in=part).values_list(
            "event_id", "evidence__media_kind"
        ):
            recorded[event_id].add(kind)
        for event_id, kind in Evidence.objects.filter(event_id__in=part).values_list(
            "event_id", "media_kind"
        ):
            recorded[event_id].add(kind)
    return [
        (agency_id, case_id, pk, bool(recorded.get(pk, set()) & set(media)))
        for pk, (agency_id, case_id, media) in required.items()
    ]


def per_agency(agency_ids, date_from: dt.date, date_to: dt.date) -> dict[int, tuple[int, int]]:
    """agency_id → (recorded, required)."""
    out: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for agency_id, _case, _event, covered in required_events(agency_ids, date_from, date_to):
        out[agency_id][1] += 1
        out[agency_id][0] += covered
    return {k: (v[0], v[1]) for k, v in out.items()}


def _bounds(date_from: dt.date, date_to: dt.date) -> tuple[dt.datetime, dt.datetime]:
    tz = timezone.get_current_timezone()
    start = dt.datetime.combine(date_from, dt.time.min, tzinfo=tz)
    end = dt.datetime.combine(date_to + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    return start, end


def _chunks(ids: Sequence[int]) -> Iterable[Sequence[int]]:
    for start in range(0, len(ids), CHUNK):
        yield ids[start : start + CHUNK]
