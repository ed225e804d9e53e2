"""Who sees which supervision items (the graph decides), the overdue board of the upper-level
supervision organ (Art. 39) and the one-object lookups that answer 404 for both missing and
out-of-scope (STYLE.md)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop as N_

from sanxiang.core import clock
from sanxiang.core.errors import Forbidden, NotFound
from sanxiang.core.roles import Role
from sanxiang.org.models import Agency
from sanxiang.supervision.models.instruments import OPEN_STATUSES, Instrument
from sanxiang.supervision.models.tasks import MemberRole, SupervisionTask, TaskMember, TaskStatus
from sanxiang.supervision.services import graph


def is_supervisor(user) -> bool:
    return bool(
        getattr(user, "is_authenticated", False) and user.agency_id and user.has_role(Role.SUPERVISOR)
    )


def tasks_visible_to(user) -> QuerySet[SupervisionTask]:
    """A supervisor: tasks of organs in the graph below (and of) their agency, and tasks they are a
    member of. An invited supervisor: only tasks with open access (checked per day)."""
    if not getattr(user, "is_authenticated", False):
        return SupervisionTask.objects.none()
    today = clock.today()
    member = Q(members__user=user, members__withdrawn_at__isnull=True) & (
        ~Q(members__role=MemberRole.INVITED)
        | Q(members__access_from__lte=today, members__access_until__gte=today)
    )
    q = member
    if is_supervisor(user):
        q |= graph.visible_agencies_q(user.agency, "agency") | Q(escalated_to=user.agency)
    return SupervisionTask.objects.filter(q).distinct().select_related("agency", "owner")


def instruments_visible_to(user) -> QuerySet[Instrument]:
    if not getattr(user, "is_authenticated", False) or user.agency_id is None:
        return Instrument.objects.none()
    q = Q(target=user.agency) & ~Q(kind="upper_notification") if user.has_role(Role.HEAD) else Q(pk__in=[])
    if is_supervisor(user):
        q |= graph.visible_agencies_q(user.agency, "issuer")
    q |= Q(task__in=tasks_visible_to(user).filter(members__user=user).values("pk"))
    return Instrument.objects.filter(q).distinct().select_related("issuer", "target", "owner", "task")


def task_for(user, pk) -> SupervisionTask:
    """The task if the user may read it now; 404 when missing or out of scope, a coded refusal when
    an invited supervisor's access expired or confidentiality is not yet acknowledged."""
    try:
        pk = int(pk)
    except (ValueError, TypeError):
        raise NotFound() from None
    task = tasks_visible_to(user).filter(pk=pk).first()
    if task is None:
        member = TaskMember.objects.filter(task_id=pk, user=user, withdrawn_at__isnull=True).first()
        if member is None or not getattr(user, "is_authenticated", False):
            raise NotFound()
        task = member.task
    require_reader(task, user)
    return task


def require_reader(task: SupervisionTask, user) -> TaskMember | None:
    """An invited supervisor reads a task only inside the access window and after acknowledging
    confidentiality; refusals carry stable codes."""
    if is_supervisor(user) and (
        graph.visible_agencies(user.agency).filter(pk=task.agency_id).exists()
        or task.escalated_to_id == user.agency_id
    ):
        return None
    member = TaskMember.objects.filter(task=task, user=user, withdrawn_at__isnull=True).first()
    if member is None:
        raise NotFound()
    if not member.access_open_on(clock.today()):
        raise Forbidden("supervision.invited.expired", _("您对该任务的授权已过期或尚未开始，不能查阅。"))
    if member.role == MemberRole.INVITED and member.confidentiality_ack_at is None:
        raise Forbidden("supervision.invited.ack_required", _("查阅前请先签署保密承诺。"))
    return member


def instrument_for(user, pk) -> Instrument:
    try:
        return instruments_visible_to(user).get(pk=int(pk))
    except (Instrument.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None


# --- supervision of the supervisors (Art. 39) ----------------------------------------------------


@dataclass
class BureauRow:
    bureau: Agency
    tasks: list[SupervisionTask] = field(default_factory=list)
    instruments: list[Instrument] = field(default_factory=list)
    extra: list[dict[str, Any]] = field(default_factory=list)

    @property
    def total(self) -> int:
        return len(self.tasks) + len(self.instruments) + len(self.extra)


# Other modules (clues) add their overdue items: fn(agencies queryset, today) -> list of dicts with
# keys bureau_id, label, url, due_on, owner.
OVERDUE_SOURCES: list = []


def _clue_items(organs, today) -> list[dict[str, Any]]:
    """Clues past their step's due date and open follow-up items past theirs (clues module)."""
    from django.urls import reverse

    from sanxiang.supervision.choices import ClueStatus, FollowUpStatus
    from sanxiang.supervision.models.clues import Clue, FollowUp

    items = []
    done = (ClueStatus.CLOSED, ClueStatus.DISMISSED, ClueStatus.MERGED)
    clues = Clue.objects.filter(agency__in=organs, step_due_on__lt=today).exclude(status__in=done)
    for clue in clues.select_related("owner"):
        items.append(
            {
                "bureau_id": clue.agency_id,
                "kind": N_("线索"),
                "label": f"{clue.number} {clue.title}",
                "url": reverse("supervision:clue", args=[clue.pk]),
                "due_on": clue.step_due_on,
                "owner": clue.owner,
                "status": clue.get_status_display(),
            }
        )
    follow_ups = FollowUp.objects.filter(agency__in=organs, due_on__lt=today).exclude(
        status=FollowUpStatus.CLOSED
    )
    for item in follow_ups.select_related("owner"):
        items.append(
            {
                "bureau_id": item.agency_id,
                "kind": N_("跟进事项"),
                "label": f"{item.number} {item.title}",
                "url": reverse("supervision:follow_up", args=[item.pk]),
                "due_on": item.due_on,
                "owner": item.owner,
                "status": item.get_status_display(),
            }
        )
    return items


OVERDUE_SOURCES.append(_clue_items)


def overdue_by_bureau(user, *, bureau_id: int | None = None) -> list[BureauRow]:
    """Overdue open items of every supervision organ at or below the user's, grouped by organ."""
    if not is_supervisor(user):
        return []
    today = clock.today()
    organs = graph.bureaus_below(user.agency).select_related("division")
    if bureau_id is not None:
        organs = organs.filter(pk=bureau_id)
    rows = {b.pk: BureauRow(b) for b in organs}
    tasks = SupervisionTask.objects.filter(agency__in=rows, due_on__lt=today).exclude(
        status=TaskStatus.CLOSED
    )
    for task in tasks.select_related("owner", "agency"):
        rows[task.agency_id].tasks.append(task)
    instruments = Instrument.objects.filter(issuer__in=rows, due_on__lt=today, status__in=OPEN_STATUSES)
    for inst in instruments.select_related("owner", "target"):
        rows[inst.issuer_id].instruments.append(inst)
    for source in OVERDUE_SOURCES:
        for item in source(organs, today):
            if item["bureau_id"] in rows:
                rows[item["bureau_id"]].extra.append(item)
    return sorted(rows.values(), key=lambda r: (r.bureau.division.path, r.bureau.code))
