"""The publicity desk on the workbench, and the publication section on the case page."""

from __future__ import annotations

from sanxiang.core import clock
from sanxiang.core.roles import Role
from sanxiang.publicity import selectors
from sanxiang.publicity.models import Publication


def desk_panel(user):
    if not user.roles & {Role.PUBLICITY_EDITOR, Role.HEAD}:
        return None
    waiting = selectors.open_publications(user)
    return {
        "items": list(waiting[:10]),
        "count": waiting.count(),
        "overdue": selectors.overdue_count(user),
        "needs_update": selectors.items_needing_update(user).count(),
        "today": clock.today(),
    }


def case_section(request, case):
    pub = Publication.objects.filter(case=case).first()
    if pub is None:
        return None
    return {"publication": pub, "today": clock.today()}
