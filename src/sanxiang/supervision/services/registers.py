"""The subject and officer registers for the provincial supervision information system (Art. 37
¶2: 数据共享 — registers, not only cases). `push_registers` sends one snapshot message per agency
and per officer through `supervision_changed`; the exchange outbox turns them into deliveries."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from sanxiang.core import clock
from sanxiang.core.errors import Forbidden
from sanxiang.core.roles import Role
from sanxiang.org.models import Agency, User
from sanxiang.records import services as records
from sanxiang.supervision.services import graph
from sanxiang.supervision.services.common import emit, iso


def subject_payload(agency: Agency) -> dict[str, Any]:
    bureau = graph.supervising_bureau(agency)
    return {
        "code": agency.code,
        "name": agency.name,
        "kind": agency.kind,
        "subject_type": agency.subject_type,
        "division": agency.division.code,
        "parent": agency.parent.code if agency.parent_id else None,
        "entrusted_by": agency.entrusted_by.code if agency.entrusted_by_id else None,
        "supervising_bureau": bureau.code if bureau else None,
        "vertically_managed": agency.vertically_managed,
        "upper_department": agency.upper_department,
        "justice_bureau": agency.is_justice_bureau,
        "justice_office": agency.is_justice_office,
        "fields": sorted(agency.fields.values_list("code", flat=True)),
        "legal_status": agency.legal_status,
    }


def officer_payload(user: User) -> dict[str, Any]:
    return {
        "username": user.username,
        "name": user.display_name,
        "agency": user.agency.code if user.agency_id else None,
        "certificates": [
            {
                "number": c.number,
                "fields": sorted(f.code for f in c.fields.all()),
                "valid_from": iso(c.valid_from),
                "valid_to": iso(c.valid_to),
                "status": c.status_on(clock.today()).value,
            }
            for c in user.certificates.all()
        ],
    }


@transaction.atomic
def push_registers(*, actor: User) -> dict[str, int]:
    """Queue a snapshot of the subject and officer registers of the actor's graph."""
    if (
        actor is None
        or not (actor.has_role(Role.SUPERVISOR) or actor.has_role(Role.ADMIN))
        or actor.agency is None
    ):
        raise Forbidden(
            "supervision.registers.forbidden", _("只有执法监督人员或管理员可以推送主体和人员名录。")
        )
    agencies = graph.visible_agencies(actor.agency).select_related("division", "parent", "entrusted_by")
    for agency in agencies:
        emit("supervision.register.subject", f"subject:{agency.code}", subject_payload(agency), agency)
    officers = (
        User.objects.filter(agency__in=agencies, groups__name=Role.OFFICER)
        .select_related("agency")
        .prefetch_related("certificates__fields")
        .distinct()
    )
    count = 0
    for user in officers:
        emit("supervision.register.officer", f"officer:{user.username}", officer_payload(user), user.agency)
        count += 1
    counts = {"subjects": agencies.count(), "officers": count}
    records.append(
        kind="supervision.registers.pushed", payload=counts, actor=actor, stream="supervision-registers"
    )
    return counts
