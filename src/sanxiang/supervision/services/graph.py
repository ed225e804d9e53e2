"""Who supervises whom (《行政执法监督条例》 Arts. 2, 6, 42): the supervision graph.

The graph lives on `org.Agency` (subject type, supervising bureau, justice office, vertical
management, parent). From it follow three answers every door uses:

* `relation(issuer, target)` — how the issuer stands to the target: government supervision by a
  justice bureau (Art. 2), supervision inside one department's system (系统内, Art. 42 ¶1), sector
  guidance of a city department over same-sector county departments (Art. 42 ¶3), or a local
  government over a vertically managed agency (Art. 42 ¶2);
* `allowed_kinds(issuer, target)` — which correction instruments that relation may issue;
* `visible_agencies(agency)` — whose supervision items the staff of an agency may see (scope).
"""

from __future__ import annotations

from enum import StrEnum

from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sanxiang.core.errors import DomainError, Forbidden
from sanxiang.core.roles import Role
from sanxiang.core.scoping import graph_scope_q
from sanxiang.org.models import Agency


class Relation(StrEnum):
    GOVERNMENT = "government"  # 司法行政部门代表本级政府监督 (Art. 2, 6 ¶1)
    INTERNAL = "internal"  # 系统内监督 (Art. 42 ¶1)
    SECTOR = "sector"  # 上级同领域部门指导 (Art. 42 ¶3)
    VERTICAL = "vertical"  # 地方政府对垂直管理机关：只告知其上级主管部门 (Art. 42 ¶2)


RELATION_LABELS = {
    Relation.GOVERNMENT: gettext_lazy("本级人民政府行政执法监督（条例第2条、第6条）"),
    Relation.INTERNAL: gettext_lazy("系统内监督（条例第42条第1款，参照执行）"),
    Relation.SECTOR: gettext_lazy("行业指导监督（条例第42条第3款）"),
    Relation.VERTICAL: gettext_lazy("对垂直管理机关的监督（条例第42条第2款：告知上级主管部门）"),
}

NOTICE, OPINION, DECISION, UPPER_NOTIFICATION = "notice", "opinion", "decision", "upper_notification"

# What each relation may issue. Sector guidance is "督促、指导" (Art. 42 ¶3): a notice, never a
# binding opinion or decision — an inference from the wording, documented as such (U).
ALLOWED = {
    Relation.GOVERNMENT: {NOTICE, OPINION, DECISION},
    Relation.INTERNAL: {NOTICE, OPINION, DECISION},
    Relation.SECTOR: {NOTICE},
    Relation.VERTICAL: {UPPER_NOTIFICATION},
}


def _is_supervision_organ(agency: Agency) -> bool:
    return bool(agency.is_justice_bureau and not agency.is_justice_office)


def subject_of(agency: Agency) -> Agency:
    """受委托组织 are not named by the regulation: they are supervised through the entrusting agency."""
    return agency.entrusted_by if agency.entrusted_by_id else agency


def supervising_bureau(agency: Agency) -> Agency | None:
    """The justice bureau of the government that supervises `agency`: the one set on the agency,
    else the bureau of its division or the nearest division above it."""
    agency = subject_of(agency)
    if agency.supervising_bureau_id:
        return agency.supervising_bureau
    division = agency.division
    while division is not None:
        bureau = (
            Agency.objects.filter(division=division, is_justice_bureau=True, is_justice_office=False)
            .exclude(pk=agency.pk)
            .first()
        )
        if bureau is not None:
            return bureau
        division = division.parent
    return None


def _system_ancestors(agency: Agency) -> list[Agency]:
    chain, node, seen = [], agency, set()
    while node.parent_id and node.parent_id not in seen:
        seen.add(node.parent_id)
        node = node.parent
        chain.append(node)
    return chain


def _internal(parent: Agency, child: Agency) -> bool:
    """A parent supervises a child inside its own system when the child is its subordinate or
    dispatched unit (same government) or when the system is vertically managed."""
    return child.division_id == parent.division_id or child.vertically_managed


def relation(issuer: Agency, target: Agency) -> Relation | None:
    target = subject_of(target)
    if issuer.pk == target.pk or issuer.is_justice_office:
        return None
    if _is_supervision_organ(issuer):
        if not (
            target.division.path.startswith(issuer.division.path) or target.supervising_bureau_id == issuer.pk
        ):
            return None
        return Relation.VERTICAL if target.vertically_managed else Relation.GOVERNMENT
    node = target
    for ancestor in _system_ancestors(target):
        if ancestor.pk == issuer.pk:
            return Relation.INTERNAL if _internal(ancestor, node) else Relation.SECTOR
        node = ancestor
    return None


def allowed_kinds(issuer: Agency, target: Agency) -> set[str]:
    found = relation(issuer, target)
    return set(ALLOWED[found]) if found else set()


def check_may_issue(actor, issuer: Agency, target: Agency, kind: str) -> Relation:
    """Refuse, with a stable code, an instrument the graph does not allow; return the relation."""
    if actor is None or not actor.has_role(Role.SUPERVISOR) or actor.agency_id != issuer.pk:
        raise Forbidden("supervision.graph.not_supervisor", _("只有本机关的执法监督人员可以制发监督文书。"))
    if issuer.is_justice_office:
        raise Forbidden(
            "supervision.graph.office_cannot_issue",
            _("司法所协助开展监督（条例第6条第2款），不能制发监督文书，请报县级司法行政部门。"),
        )
    found = relation(issuer, target)
    if found is None:
        raise DomainError(
            "supervision.graph.out_of_scope",
            _("“%(target)s”不在“%(issuer)s”的监督范围内。") % {"target": target.name, "issuer": issuer.name},
            field="target",
        )
    if kind not in ALLOWED[found]:
        if found == Relation.VERTICAL:
            message = _(
                "“%(target)s”为垂直管理机关，地方只能将发现的问题告知其上级主管部门（条例第42条第2款）。"
            )
            code = "supervision.graph.vertical_notification_only"
        elif kind == UPPER_NOTIFICATION:
            message, code = _("告知上级主管部门仅适用于垂直管理机关。"), "supervision.graph.not_vertical"
        else:
            message = _(
                "行业指导监督只能制发监督通知书，意见书、决定书由本级司法行政部门制发（条例第42条第3款）。"
            )
            code = "supervision.graph.sector_notice_only"
        raise DomainError(code, message % {"target": target.name}, field="kind")
    return found


def visible_agencies_q(agency: Agency | None, prefix: str = "") -> Q:
    """Agencies (reached by `prefix`) whose supervision items staff of `agency` may see: the same
    graph scope as case files (`core.scoping.graph_scope_q`, kept in one place). A justice bureau
    sees its division subtree and the agencies it is set to supervise; a 司法所 only itself (what
    it is assigned comes through memberships and follow-up items); a department its system."""
    return graph_scope_q(agency, prefix)


def visible_agencies(agency: Agency | None):
    return Agency.objects.filter(visible_agencies_q(agency))


def bureaus_below(agency: Agency):
    """The supervision organs at and below `agency`'s level: whose overdue items it watches (Art. 39)."""
    return Agency.objects.filter(
        Q(is_justice_bureau=True) | Q(is_justice_office=True), division__path__startswith=agency.division.path
    )
