"""Who may see what (DESIGN.md: Scope), in one place.

A staff user sees their own agency's objects. A supervisor also sees every agency in their
division subtree (read only). Anonymous users and users without an agency see nothing. There is
no superuser bypass: operators administer reference data, they do not read case files.

Every scoped model uses `RestrictedQuerySet` and names the lookup to its agency in
`scope_agency_lookup`; views, API viewsets and admin start from `.restrict(user, action)` and answer
404 for anything outside it, so nothing leaks through counts or error texts.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import Q

from sanxiang.core.roles import Role

VIEW = "view"
CHANGE = "change"


def agency_scope_q(user: Any, lookup: str | None, action: str = VIEW) -> Q:
    """A filter selecting the objects whose agency (reached by `lookup`; None for agencies
    themselves) is in the user's scope."""
    agency = getattr(user, "agency", None) if getattr(user, "is_authenticated", False) else None
    if agency is None:
        return Q(pk__in=[])
    prefix = f"{lookup}__" if lookup else ""
    own = Q(**{f"{prefix}pk": agency.pk})
    if action == VIEW and user.has_role(Role.SUPERVISOR):
        return own | Q(**{f"{prefix}division__path__startswith": agency.division.path})
    return own


def agency_in_scope(user: Any, agency: Any, action: str = VIEW) -> bool:
    own = getattr(user, "agency", None) if getattr(user, "is_authenticated", False) else None
    if own is None or agency is None:
        return False
    if own.pk == agency.pk:
        return True
    return (
        action == VIEW
        and user.has_role(Role.SUPERVISOR)
        and agency.division.path.startswith(own.division.path)
    )


class RestrictedQuerySet(models.QuerySet):
    def restrict(self, user: Any, action: str = VIEW) -> RestrictedQuerySet:
        lookup = getattr(self.model, "scope_agency_lookup", "agency")
        return self.filter(agency_scope_q(user, lookup, action))
