"""文号: `{机关简称}{类型代字}〔{年度}〕{序号}号`, e.g. 云市监处罚〔2026〕15号.

One series per agency, document type and year. The serial is taken with `core.sequences` inside
the transaction that issues the document, so a refused or failed issue returns its number (no
gap) and two officers issuing at the same moment get consecutive numbers (no duplicate). A
number, once used, is never reused: voiding it keeps the row with its reason.
"""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _

from sanxiang.core import clock, sequences
from sanxiang.core.errors import DomainError
from sanxiang.documents.models import DocumentNumber, DocumentTemplate


def format_number(short_name: str, abbreviation: str, year: int, serial: int) -> str:
    return f"{short_name}{abbreviation}〔{year}〕{serial}号"


def sequence_key(agency, code: str, year: int) -> str:
    return f"docnum:{agency.pk}:{code}:{year}"


def take(case, template: DocumentTemplate, *, actor, on: dt.date) -> DocumentNumber:
    """The next number of the case agency's series for this template type (call inside the
    issuing transaction)."""
    agency = case.agency
    if not agency.short_name.strip():
        raise DomainError("documents.number.no_short_name", _("本机关尚未设置文号简称，请管理员补充。"))
    if not template.abbreviation:
        raise DomainError(
            "documents.number.no_abbreviation", _("“%(name)s”未设置文号类型代字。") % {"name": template.name}
        )
    serial = sequences.next_value(sequence_key(agency, template.code, on.year))
    return DocumentNumber.objects.create(
        agency=agency,
        code=template.code,
        year=on.year,
        serial=serial,
        number=format_number(agency.short_name.strip(), template.abbreviation, on.year, serial),
        case=case,
        taken_at=clock.now(),
        taken_by=actor,
    )
