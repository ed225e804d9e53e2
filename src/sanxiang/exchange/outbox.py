"""The transactional outbox (X1, X3). Public API for the apps that report facts:

    from sanxiang.exchange import outbox
    outbox.enqueue("publication.published", key=f"case:{case.number}", payload={...}, agency=case.agency)

`enqueue()` must run inside the transaction of the change it reports (it refuses otherwise), so the
message commits with the change or not at all. `key` orders messages: every endpoint receives the
messages of one key in `key_seq` order, and message n+1 only after n was acknowledged. Use the
case's key (`case_key(case)`) for anything about a case — decisions, publications, record
entries — so the provincial platform sees them in the order they happened. The payload must be
JSON made of strings, integers, booleans, null, lists and objects (dates and decimals are
converted to strings; floats are refused, as in the record).

Topics in use (docs/exchange-formats.md): `case.decided`, `case.remedied`, `certificate.changed`,
`publication.published`, `publication.withdrawn`, `publication.updated`, `record.checkpoint`.
"""

from __future__ import annotations

import json
import uuid
from decimal import Decimal
from typing import Any

from django.db import transaction

from sanxiang.core import clock, sequences
from sanxiang.exchange.models import Delivery, DeliveryStatus, Endpoint, OutboxMessage
from sanxiang.records import canonical

ENVELOPE_VERSION = 1


def case_key(case) -> str:
    return f"case:{case.number}"


def jsonable(payload: dict[str, Any]) -> dict[str, Any]:
    """The payload as stored and sent: canonical JSON types only (records/canonical.py rules)."""
    return json.loads(canonical.dumps(payload))


def enqueue(topic: str, key: str, payload: dict[str, Any], *, agency=None) -> OutboxMessage:
    """Write one outbox message (and a pending delivery per subscribed endpoint) in the caller's
    transaction. Returns the message; nothing is sent until the transaction commits."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("exchange.outbox.enqueue() must run inside the transaction of the change")
    if not topic or not key:
        raise ValueError("topic and key are required")
    now = clock.now()
    message = OutboxMessage.objects.create(
        message_id=uuid.uuid4(),
        topic=topic,
        key=key[:120],
        key_seq=sequences.next_value(f"outbox:{key[:120]}"),
        payload=jsonable(payload),
        agency=agency,
        created_at=now,
    )
    endpoints = [e for e in Endpoint.objects.filter(active=True) if e.wants(topic)]
    Delivery.objects.bulk_create(
        Delivery(message=message, endpoint=e, status=DeliveryStatus.PENDING, next_attempt_at=now)
        for e in endpoints
    )
    return message


def envelope(message: OutboxMessage, source: str) -> dict[str, Any]:
    """The wire form of one message (format v1, docs/exchange-formats.md)."""
    return {
        "v": ENVELOPE_VERSION,
        "id": str(message.message_id),
        "seq": message.pk,
        "topic": message.topic,
        "key": message.key,
        "key_seq": message.key_seq,
        "at": canonical.dumps(message.created_at).strip('"'),
        "source": source,
        "payload": message.payload,
    }


# --- payloads of the sources wired on this branch --------------------------------------------


def _money(value) -> str | None:
    return None if value in (None, "") else f"{Decimal(value):.2f}"


def mask_id_number(number: str) -> str:
    """Keep the first 6 and last 4 characters (rules.md MASK-04 suggestion)."""
    number = number or ""
    return number if len(number) <= 10 else number[:6] + "*" * (len(number) - 10) + number[-4:]


def party_summary(party) -> dict[str, Any] | None:
    """Data minimisation (MASK-01): organisations by credit code; natural persons' ID numbers
    leave only masked."""
    if party is None:
        return None
    summary = {"kind": party.kind, "name": party.name, "individual_business": party.is_individual_business}
    if party.kind == "person":
        summary.update(id_type=party.id_type, id_number_masked=mask_id_number(party.id_number))
    else:
        summary.update(credit_code=party.credit_code, legal_representative=party.legal_representative)
    return summary


def decision_payload(case, event) -> dict[str, Any]:
    agency = case.agency
    return {
        "case": {
            "number": case.number,
            "title": case.title,
            "procedure": case.procedure,
            "category": case.category,
            "stage": case.stage,
            "agency": {"code": agency.code, "name": agency.name, "credit_code": agency.credit_code},
            "item": {"code": case.item.code, "name": case.item.name} if case.item else None,
            "act_date": case.act_date,
            "decided_on": case.decided_on,
            "outcome": case.outcome,
            "fine_amount": _money(case.fine_amount),
            "confiscation_amount": _money(case.confiscation_amount),
        },
        "party": party_summary(case.party),
        "event": {
            "seq": event.seq,
            "transition": event.transition,
            "label": str(event.label),
            "at": event.at,
            "actor": event.actor.username if event.actor else None,
            "reason": event.reason,
            "data": event.data,
        },
    }


def certificate_payload(certificate, change: str) -> dict[str, Any]:
    holder = certificate.holder
    return {
        "change": change,
        "certificate": {
            "number": certificate.number,
            "holder": holder.full_name or holder.username,
            "agency": holder.agency.code if holder.agency else None,
            "fields": sorted(certificate.fields.values_list("code", flat=True)),
            "issuer": certificate.issuer,
            "valid_from": certificate.valid_from,
            "valid_to": certificate.valid_to,
            "status": certificate.status,
            "status_reason": certificate.status_reason,
        },
    }


def publication_key(publication) -> str:
    """A publication about a case travels in the case's order; others by their own key."""
    return case_key(publication.case) if publication.case_id else f"publication:{publication.pk}"


def publication_payload(snapshot, change: str, note: str = "") -> dict[str, Any]:
    """The published snapshot exactly as the portal shows it: already masked by publicity (I3)."""
    return {
        "change": change,
        "note": note or "",
        "publication": {
            "ref": snapshot.publication_ref,
            "version": snapshot.version,
            "status": snapshot.status,
            "agency": {
                "code": snapshot.agency_code,
                "name": snapshot.agency_name,
                "credit_code": snapshot.agency_credit_code,
            },
            "category": snapshot.category,
            "procedure": snapshot.procedure_name,
            "decision_number": snapshot.decision_number,
            "party": {
                "kind": snapshot.party_kind,
                "name": snapshot.party_name,
                "credit_code": snapshot.party_credit_code,
                "legal_representative": snapshot.legal_representative,
            },
            "title": snapshot.title,
            "facts": snapshot.facts,
            "basis": snapshot.basis,
            "outcome": snapshot.outcome,
            "penalty_types": snapshot.penalty_types,
            "fine_amount": _money(snapshot.fine_amount),
            "confiscation_amount": _money(snapshot.confiscation_amount),
            "licence": snapshot.licence,
            "decided_on": snapshot.decided_on,
            "published_on": snapshot.published_on,
            "visible_until": snapshot.visible_until,
            "entry_seq": snapshot.entry_seq,
            "entry_hash": snapshot.entry_hash,
            "body_hash": snapshot.body_hash,
        },
    }


def checkpoint_payload(checkpoint) -> dict[str, Any]:
    return {
        "number": checkpoint.number,
        "tree_size": checkpoint.size,
        "root_hash": checkpoint.root,
        "at": checkpoint.at,
        "key_id": checkpoint.key_id,
        "note": checkpoint.note,
    }
