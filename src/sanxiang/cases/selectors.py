"""Read helpers for cases: what a user may see, and lookups that answer 404 for the invisible."""

from __future__ import annotations

from django.db import connections, router
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from sanxiang.cases.choices import DeadlineStatus
from sanxiang.cases.models import Case, Deadline
from sanxiang.core.errors import NotFound
from sanxiang.core.scoping import VIEW


def cases_visible_to(user, action: str = VIEW) -> QuerySet[Case]:
    return Case.objects.restrict(user, action).select_related("agency", "party", "item")


def case_for(user, *, number: str | None = None, pk: int | None = None, handlers: bool = False) -> Case:
    """The case if this user may see it; 404 otherwise (never 403: existence is not disclosed).
    `handlers=True` loads them too, for a caller that shows them (the access check reuses them)."""
    query = Case.objects.restrict(user).select_related("party", "item")
    try:
        # get(), not first(): a unique key needs no ORDER BY, and building one cost ~0.4 ms a read
        case = query.get(number=number) if number is not None else query.get(pk=pk)
    except Case.DoesNotExist:
        raise NotFound("case.not_found", _("案件不存在或无权查阅。")) from None
    own = getattr(user, "agency", None)
    if own is not None and own.pk == case.agency_id:
        # most reads are of the reader's own agency, loaded with the user already: joining it
        # again was a third of the lookup (docs/performance.md, API); others load it when used
        Case.agency.field.set_cached_value(case, own)
    if handlers:
        _attach_handlers(case)
    return case


def _handler_rows(case_ids: list[int]) -> list[tuple[int, int, str]]:
    """(case id, user id, username) of the handlers of `case_ids`, in the user model's ordering
    (agency code, then username), as `CaseSerializer.handlers` lists them: one statement on the
    driver's cursor, because building the ORM query for it cost three times what the database
    took (docs/performance.md, API)."""
    if not case_ids:
        return []
    through = Case.handlers.through
    user = through._meta.get_field("user").related_model
    agency = user._meta.get_field("agency").related_model
    sql = (
        f"SELECT ch.case_id, u.id, u.username FROM {through._meta.db_table} ch "  # noqa: S608 — table names from the models
        f"JOIN {user._meta.db_table} u ON u.id = ch.user_id "
        f"LEFT JOIN {agency._meta.db_table} a ON a.id = u.agency_id "
        f"WHERE ch.case_id IN ({', '.join(['%s'] * len(case_ids))}) ORDER BY a.code, u.username"
    )
    with connections[router.db_for_read(Case)].cursor() as cursor:
        cursor.execute(sql, list(case_ids))
        return cursor.fetchall()


def handler_usernames(case_ids: list[int]) -> dict[int, list[str]]:
    """The handlers' usernames of each case, for the API's case list, once per page."""
    found: dict[int, list[str]] = {}
    for case_id, _user_id, username in _handler_rows(case_ids):
        found.setdefault(case_id, []).append(username)
    return found


def _attach_handlers(case: Case) -> None:
    """`case.handlers.all()` answered from memory, as `prefetch_related("handlers")` would leave it,
    with users holding their id and username; any other field loads when first read."""
    user_model = Case.handlers.through._meta.get_field("user").related_model
    alias = router.db_for_read(user_model)
    users = [
        user_model.from_db(alias, ["id", "username"], (user_id, username))
        for _case_id, user_id, username in _handler_rows([case.pk])
    ]
    loaded = case.handlers.get_queryset()
    loaded._result_cache = users
    loaded._prefetch_done = True
    case._prefetched_objects_cache = {"handlers": loaded}


def open_deadlines_for(user) -> QuerySet[Deadline]:
    return (
        Deadline.objects.restrict(user)
        .filter(status__in=[DeadlineStatus.RUNNING, DeadlineStatus.PAUSED, DeadlineStatus.OVERDUE])
        .select_related("case")
        .order_by("due_on")
    )
