"""What a publication says: the draft content of a decision taken from its case (rules.md §16),
and the masked public body made from a draft (I3). Pure functions, no writes."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from sanxiang.catalog import rules
from sanxiang.catalog.choices import Category, PartyKind, PenaltyType
from sanxiang.publicity import masking
from sanxiang.publicity.choices import PARTY_KIND_LABELS
from sanxiang.records import canonical

# The document number of a decision comes from the documents app once it numbers decisions; it
# registers a provider here (publicity never imports documents). Fallback: the case number.
_number_providers: list[Callable[[Any], str | None]] = []


def register_decision_number_provider(fn: Callable[[Any], str | None]) -> None:
    if fn not in _number_providers:
        _number_providers.append(fn)


def issued_decision_number(case) -> str | None:
    """The number of the case's current issued decision document, read through the app registry
    (documents sits above publicity; publicity does not import it)."""
    from django.apps import apps

    document = (
        apps.get_model("documents", "Document")
        .objects.filter(case=case, template__kind="decision", status="issued", number__isnull=False)
        .select_related("number")
        .order_by("-issued_at")
        .first()
    )
    return document.number_text if document else None


def decision_number(case) -> str:
    for provider in _number_providers:
        number = provider(case)
        if number:
            return number
    return case.attributes.get("decision_number") or case.number


def _choice_label(procedure, name: str, value: str) -> str:
    for transition in procedure.transitions:
        spec = transition.input(name)
        if spec is not None:
            for code, label in spec.choices:
                if code == value:
                    return _(label)
    return value


def _money(value: Decimal | None) -> str | None:
    return None if value in (None, "") else f"{Decimal(value):.2f}"


def party_kind_of(party) -> str:
    if party is None:
        return ""
    if party.kind == PartyKind.PERSON:
        return "individual_business" if party.is_individual_business else "person"
    return "organisation"


def _outcome_text(case, proposal, procedure) -> tuple[str, list[str]]:
    outcome = case.outcome or (proposal.outcome if proposal else "")
    parts = [_choice_label(procedure, "outcome", outcome)] if outcome else []
    types = list(proposal.penalty_types) if proposal else []
    if case.fine_amount:
        parts.append(_("罚款%(amount)s元") % {"amount": f"{case.fine_amount:,.2f}"})
    if case.confiscation_amount:
        parts.append(_("没收违法所得、非法财物%(amount)s元") % {"amount": f"{case.confiscation_amount:,.2f}"})
    method = case.attributes.get("method")
    if method and case.procedure == "coercion.enforcement":
        parts.append(_choice_label(procedure, "method", method))
    if proposal and proposal.summary and case.category != Category.PENALTY:
        parts.append(proposal.summary)
    return "；".join(p for p in parts if p), types


def decision_content(case) -> dict[str, Any]:
    """The draft public fields of the decision in `case` (unmasked; masked when published)."""
    procedure = case.definition
    proposal = case.current_proposal
    party = case.party
    agency = case.agency
    basis = [a.citation for a in proposal.legal_basis.all()] if proposal else []
    if proposal and proposal.basis_text:
        basis.append(proposal.basis_text)
    outcome, types = _outcome_text(case, proposal, procedure)
    kind = party_kind_of(party)
    licence = " ".join(
        v for v in (case.attributes.get("licence_no"), case.attributes.get("valid_to")) if v
    ).strip()
    return {
        "agency_code": agency.code,
        "agency_name": agency.name,
        "agency_credit_code": agency.credit_code,
        "category": case.category,
        "procedure_name": _(procedure.name),
        "decision_number": decision_number(case),
        "party_kind": kind,
        "party_name": party.name if party else "",
        "party_credit_code": party.credit_code if party and kind != "person" else "",
        "legal_representative": party.legal_representative if party and kind == "organisation" else "",
        "title": case.title,
        "facts": case.facts or (proposal.summary if proposal else ""),
        "basis": "；".join(basis),
        "outcome": outcome,
        "penalty_types": types,
        "fine_amount": _money(case.fine_amount),
        "confiscation_amount": _money(case.confiscation_amount),
        "licence": licence,
        "decided_on": case.decided_on.isoformat() if case.decided_on else None,
    }


def known_persons(case) -> list[dict[str, Any]]:
    """Every natural person of the case the system knows about, for masking (MASK-01/02)."""
    persons: list[dict[str, Any]] = []
    party = case.party
    if party is not None:
        if party.kind == PartyKind.PERSON:
            persons.append(
                {
                    "name": party.name,
                    "id_numbers": [party.id_number] if party.id_number else [],
                    "phones": [party.phone] if party.phone else [],
                    "addresses": [party.address] if party.address else [],
                }
            )
        else:
            persons.append(
                {"name": party.legal_representative, "phones": [party.phone] if party.phone else []}
            )
    for event in case.events.all():
        name = (event.data or {}).get("interviewee")
        if isinstance(name, str) and name.strip():
            persons.append({"name": name.strip()})
    return persons


def personal_data(persons: list[dict[str, Any]]) -> list[masking.PersonalData]:
    return [
        masking.PersonalData(
            name=p.get("name") or "",
            id_numbers=tuple(p.get("id_numbers") or ()),
            phones=tuple(p.get("phones") or ()),
            addresses=tuple(p.get("addresses") or ()),
            bank_accounts=tuple(p.get("bank_accounts") or ()),
            plates=tuple(p.get("plates") or ()),
        )
        for p in persons
    ]


_TEXT_FIELDS = ("title", "facts", "basis", "outcome", "licence", "decision_number")


def public_body(content: dict[str, Any], persons: list[dict[str, Any]], *, agency=None) -> dict[str, Any]:
    """The masked public body of a decision (I3): the only form in which it ever leaves the desk."""
    pattern = str(rules.param("SX-MASK-01.name_pattern", agency=agency).value)
    rep_rule = str(rules.param("SX-MASK-01.legal_representative", agency=agency).value)
    known = personal_data(persons)
    kind = content.get("party_kind") or ""
    name = content.get("party_name") or ""
    if kind in ("person", "individual_business"):
        party_name = masking.mask_person_name(name, pattern)
    else:  # organisations keep their name; natural persons named inside it do not
        party_name = masking.mask_text(name, known, pattern)
    representative = content.get("legal_representative") or ""
    if representative and rep_rule != "shown":
        representative = masking.mask_person_name(representative, pattern)
    body: dict[str, Any] = {
        "agency_code": content.get("agency_code", ""),
        "agency_name": content.get("agency_name", ""),
        "agency_credit_code": content.get("agency_credit_code", ""),
        "category": content.get("category", ""),
        "category_label": str(Category(content["category"]).label) if content.get("category") else "",
        "procedure_name": content.get("procedure_name", ""),
        "party_kind": kind,
        "party_kind_label": str(PARTY_KIND_LABELS.get(kind, "")),
        "party_name": party_name,
        "party_credit_code": content.get("party_credit_code", "") if kind == "organisation" else "",
        "legal_representative": representative,
        "penalty_types": [
            str(PenaltyType(t).label) for t in content.get("penalty_types") or [] if t in PenaltyType.values
        ],
        "fine_amount": content.get("fine_amount"),
        "confiscation_amount": content.get("confiscation_amount"),
        "decided_on": content.get("decided_on"),
    }
    for key in _TEXT_FIELDS:
        body[key] = masking.mask_text(content.get(key) or "", known, pattern)
    return body


def body_hash(body: dict[str, Any]) -> str:
    return hashlib.sha256(canonical.dumps(body).encode("utf-8")).hexdigest()


def search_text(body: dict[str, Any]) -> str:
    parts = [
        body.get("party_name"),
        body.get("title"),
        body.get("decision_number"),
        body.get("facts"),
        body.get("outcome"),
        body.get("basis"),
        body.get("agency_name"),
        body.get("party_credit_code"),
    ]
    return " ".join(p for p in parts if p)
