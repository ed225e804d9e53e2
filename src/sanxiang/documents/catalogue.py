"""Seeding the national templates from `data/templates.yaml` (after every migrate).

A template whose data changed becomes a new national version; versions already used by issued
documents are never touched, so an issued document can always be re-rendered exactly.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from django.db import transaction

from sanxiang.documents.models import DocumentTemplate

DATA = Path(__file__).resolve().parent / "data" / "templates.yaml"
FIELDS = (
    "name",
    "abbreviation",
    "kind",
    "numbered",
    "requires_reasons",
    "applies",
    "outcomes",
    "needs",
    "serves",
    "sections",
)


def definitions(path: Path = DATA) -> list[dict[str, Any]]:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def _normal(raw: dict[str, Any]) -> dict[str, Any]:
    return {
        "name": raw["name"],
        "abbreviation": raw.get("abbreviation", ""),
        "kind": raw["kind"],
        "numbered": bool(raw.get("numbered", False)),
        "requires_reasons": bool(raw.get("requires_reasons", False)),
        "applies": raw.get("applies", {}),
        "outcomes": raw.get("outcomes", []),
        "needs": raw.get("needs", []),
        "serves": raw.get("serves", "") or "",
        "sections": raw.get("sections", []),
    }


@transaction.atomic
def load_templates(path: Path = DATA) -> int:
    """Create national version 1 of each template, or a new version when its data changed."""
    created = 0
    for raw in definitions(path):
        wanted = _normal(raw)
        latest = (
            DocumentTemplate.objects.filter(code=raw["code"], agency__isnull=True)
            .order_by("-version")
            .first()
        )
        if latest is not None and all(getattr(latest, f) == wanted[f] for f in FIELDS):
            continue
        if latest is not None and not latest.seeded:
            continue  # an admin's national revision wins over the shipped data
        DocumentTemplate.objects.create(
            code=raw["code"],
            agency=None,
            version=(latest.version + 1) if latest else 1,
            seeded=True,
            note="随系统发布" if latest is None else "随系统更新",
            **wanted,
        )
        created += 1
    return created
