"""Who may see what (DESIGN.md: Scope), in one place.

A staff user sees their own agency's objects. A supervisor (执法监督人员) also reads the agencies the
supervision graph (《行政执法监督条例》 Arts. 2, 6, 42; docs/supervision.md "Data scopes") puts
under their agency:

* a justice bureau (司法行政部门, the government's supervision organ, Art. 6 ¶1): every agency of its
  division subtree, plus every agency whose `supervising_bureau` is that bureau (wherever it sits);
* a township justice office (司法所, Art. 6 ¶2): nothing beyond its own agency — it sees what it is
  assigned (follow-up items, task memberships: those querysets add it themselves);
* any other agency (a department supervising its system, Art. 42 ¶1 and ¶3): its own subordinate
  units (the `parent` chain, up to `SYSTEM_DEPTH` levels below — subordinate and dispatched units of
  the same government, units of a vertical system, and same-sector lower-government departments
  it guides) and the organisations it or they entrust (`entrusted_by`).

Anonymous users and users without an agency see nothing. There is no superuser bypass: operators
administer reference data, they do not read case files. Supervisors only read (`VIEW`); changes
(`CHANGE`) stay with the own agency.

Every scoped model uses `RestrictedQuerySet` and names the lookup to its agency in
`scope_agency_lookup`; views, API viewsets and admin start from `.restrict(user, action)` and answer
404 for anything outside it, so nothing leaks through counts or error texts. The graph scope is
one `IN (SELECT id FROM org_agency …)` subquery over the small agency table, so the big tables
are filtered by `agency_id` (indexed) and no per-row join to divisions is needed.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import Q

from sanxiang.core.roles import Role

VIEW = "view"
CHANGE = "change"

# How many `parent` levels below a department its system reaches (city → county → township unit).
SYSTEM_DEPTH = 4


def graph_scope_q(agency: Any, prefix: str = "") -> Q:
    """Agencies (reached by `prefix`; "" for agencies themselves) that the supervision graph puts
    under `agency`, the agency itself included. Role-independent: callers check the role."""
    if agency is None:
        return Q(pk__in=[])
    p = f"{prefix}__" if prefix else ""
    own = Q(**{f"{p}pk": agency.pk})
    if agency.is_justice_office:
        return own
    if agency.is_justice_bureau:
        return (
            own
            | Q(**{f"{p}division__path__startswith": agency.division.path})
            | Q(**{f"{p}supervising_bureau_id": agency.pk})
            | Q(**{f"{p}entrusted_by__supervising_bureau_id": agency.pk})
        )
    q = own
    for depth in range(1, SYSTEM_DEPTH + 1):
        q |= Q(**{f"{p}{'parent__' * depth}pk": agency.pk})
    entrusted = Q(**{f"{p}entrusted_by_id": agency.pk})
    for depth in range(1, SYSTEM_DEPTH + 1):
        entrusted |= Q(**{f"{p}entrusted_by__{'parent__' * depth}pk": agency.pk})
    return q | entrusted


def graph_covers(agency: Any, target: Any) -> bool:
    """`graph_scope_q` for one target agency, in Python (follows cached foreign keys)."""
    if agency is None or target is None:
        return False
    if agency.pk == target.pk:
        return True
    if agency.is_justice_office:
        return False
    if agency.is_justice_bureau:
        if target.supervising_bureau_id == agency.pk or target.division.path.startswith(agency.division.path):
            return True
        principal = target.entrusted_by if target.entrusted_by_id else None
        return principal is not None and principal.supervising_bureau_id == agency.pk
    for node in (target, target.entrusted_by if target.entrusted_by_id else None):
        depth = 0
        while node is not None and depth <= SYSTEM_DEPTH:
            if node.pk == agency.pk:
                return True
            node = node.parent if node.parent_id else None
            depth += 1
    return False


def _scope_ids(agency: Any):
    from sanxiang.org.models import Agency

    return Agency.objects.filter(graph_scope_q(agency)).values("pk")


def agency_scope_q(user: Any, lookup: str | None, action: str = VIEW) -> Q:
    """A filter selecting the objects whose agency (reached by `lookup`; None for agencies
    themselves) is in the user's scope."""
    agency = getattr(user, "agency", None) if getattr(user, "is_authenticated", False) else None
    if agency is None:
        return Q(pk__in=[])
    prefix = f"{lookup}__" if lookup else ""
    own = Q(**{f"{prefix}pk": agency.pk})
    if action == VIEW and user.has_role(Role.SUPERVISOR) and not agency.is_justice_office:
        return own | Q(**{f"{prefix}pk__in": _scope_ids(agency)})
    return own


def agency_in_scope(user: Any, agency: Any, action: str = VIEW) -> bool:
    own = getattr(user, "agency", None) if getattr(user, "is_authenticated", False) else None
    if own is None or agency is None:
        return False
    if own.pk == agency.pk:
        return True
    return action == VIEW and user.has_role(Role.SUPERVISOR) and graph_covers(own, agency)


class RestrictedQuerySet(models.QuerySet):
    def restrict(self, user: Any, action: str = VIEW) -> RestrictedQuerySet:
        lookup = getattr(self.model, "scope_agency_lookup", "agency")
        return self.filter(agency_scope_q(user, lookup, action))
