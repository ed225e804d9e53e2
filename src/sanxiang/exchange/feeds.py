"""The 双公示 feeds' data source: the portal's published decisions (publicity's masked public
snapshots, I3), mapped to the field codes of `exchange.publications`. Registered by exchange itself
at start-up, so publicity never imports exchange; a natural person's ID number never leaves (the
snapshot holds none), and the exporter reports it as a missing field."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from sanxiang.catalog.choices import Category
from sanxiang.publicity.choices import PublicStatus
from sanxiang.publicity.models import PublicDecision

TEN_THOUSAND = Decimal(10000)
STATUS_LABELS = {PublicStatus.PUBLISHED: "有效", PublicStatus.WITHDRAWN: "撤销", PublicStatus.EXPIRED: "有效"}


def _wan(amount) -> Decimal | None:
    return None if amount is None else Decimal(amount) / TEN_THOUSAND


def _decisions(category: str, since: dt.date | None, until: dt.date | None):
    qs = PublicDecision.objects.filter(category=category).exclude(status=PublicStatus.WITHDRAWN)
    if since:
        qs = qs.filter(decided_on__gte=since)
    if until:
        qs = qs.filter(decided_on__lte=until)
    return qs.order_by("decided_on", "id").iterator(chunk_size=1000)


def _party(d: PublicDecision, prefix: str) -> dict[str, Any]:
    return {
        f"{prefix}_XDR_MC": d.party_name,
        f"{prefix}_XDR_LB": d.party_kind,
        f"{prefix}_XDR_SHXYM": d.party_credit_code,
        ("CF_FRDB" if prefix == "CF" else "XK_FRDB"): d.legal_representative,
    }


def penalty_rows(since: dt.date | None, until: dt.date | None) -> Iterator[dict[str, Any]]:
    for d in _decisions(Category.PENALTY, since, until):
        yield {
            **_party(d, "CF"),
            "CF_WSH": d.decision_number,
            "CF_WFXW": d.title,
            "CF_SY": d.facts,
            "CF_YJ": d.basis,
            "CF_CFLB": d.penalty_types,
            "CF_NR": d.outcome,
            "CF_NR_FK": _wan(d.fine_amount),
            "CF_NR_WFFF": _wan(d.confiscation_amount),
            "CF_NR_ZKDX": d.licence,
            "CF_JDRQ": d.decided_on,
            "CF_YXQ": d.visible_until,
            "CF_GSJZQ": d.visible_until,
            "CF_CFJG": d.agency_name,
            "CF_CFJGDM": d.agency_credit_code,
            "CF_SJLY": d.agency_name,
            "CF_SJLYDM": d.agency_credit_code,
            "BZ": d.note,
        }


def permit_rows(since: dt.date | None, until: dt.date | None) -> Iterator[dict[str, Any]]:
    for d in _decisions(Category.PERMIT, since, until):
        yield {
            **_party(d, "XK"),
            "XK_XKWS": "准予行政许可决定书",
            "XK_WSH": d.decision_number,
            "XK_XKLB": "普通",
            "XK_XKZS": d.licence,
            "XK_NR": d.outcome,
            "XK_JDRQ": d.decided_on,
            "XK_YXQZ": d.decided_on,
            "XK_YXQZI": d.visible_until,
            "XK_XKJG": d.agency_name,
            "XK_XKJGDM": d.agency_credit_code,
            "XK_ZT": STATUS_LABELS.get(d.status, ""),
            "XK_LYDW": d.agency_name,
            "XK_LYDWDM": d.agency_credit_code,
            "BZ": d.note,
        }


def register() -> None:
    from sanxiang.exchange import publications

    publications.register_source("penalty", penalty_rows)
    publications.register_source("permit", permit_rows)
