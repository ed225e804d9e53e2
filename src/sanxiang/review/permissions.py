"""Who may do what in legal review (DESIGN.md I6: reviewer ≠ handler, ≠ approver)."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _

from sanxiang.cases.models import Case
from sanxiang.catalog import rules
from sanxiang.catalog.choices import Category
from sanxiang.core.errors import Forbidden, NotFound
from sanxiang.core.roles import Role
from sanxiang.core.scoping import CHANGE, agency_in_scope


def active(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


def is_handler(case: Case, user) -> bool:
    return case.handlers.filter(pk=user.pk).exists()


def is_head_of(agency, user) -> bool:
    return active(user) and user.agency_id == agency.pk and user.has_role(Role.HEAD)


def is_review_body_member(agency, user) -> bool:
    return active(user) and user.agency_id == agency.pk and user.has_role(Role.REVIEWER)


def approvers_of(case: Case) -> set[int]:
    """Users who fired an approval transition on the case (filing, hearing chair, decision…)."""
    definition = case.definition
    approvals = {t.name for t in definition.transitions if t.approval}
    return set(
        case.events.filter(transition__in=approvals, actor__isnull=False).values_list("actor_id", flat=True)
    )


def require_in_scope(case: Case, user) -> None:
    if not active(user):
        raise Forbidden("auth.required", _("请先登录。"))
    if not agency_in_scope(user, case.agency):
        raise NotFound("review.case.not_found", _("案件不存在或无权查阅。"))
    if not agency_in_scope(user, case.agency, CHANGE):
        raise Forbidden("review.read_only", _("监督人员只能查阅，不能办理其他机关的法制审核。"))


def require_handler(case: Case, user, what: str) -> None:
    require_in_scope(case, user)
    if not is_handler(case, user):
        raise Forbidden("review.not_handler", _("只有本案承办人可以%(what)s。") % {"what": what})


def require_head(case: Case, user, what: str) -> None:
    require_in_scope(case, user)
    if not user.has_role(Role.HEAD):
        raise Forbidden("review.not_head", _("只有本机关负责人可以%(what)s。") % {"what": what})
    if is_handler(case, user):
        raise Forbidden("review.sod.handler_head", _("承办人不能%(what)s（职责分离）。") % {"what": what})


def require_review_body(case: Case, user, what: str) -> None:
    """Intake and assignment: the agency's review body (reviewers) or its head, never a handler."""
    require_in_scope(case, user)
    if not user.roles & {Role.REVIEWER, Role.HEAD}:
        raise Forbidden(
            "review.not_review_body", _("只有法制审核机构人员或负责人可以%(what)s。") % {"what": what}
        )
    if is_handler(case, user):
        raise Forbidden("review.sod.handler", _("承办人不能%(what)s（职责分离）。") % {"what": what})


def first_review_needs_qualification(case: Case, on: dt.date) -> bool:
    """REV-02 (行政处罚法 Art. 58(2)): first-time reviewers of penalty decisions need the national
    legal professional qualification."""
    if case.category != Category.PENALTY:
        return False
    rule = rules.param("REV-01.first_time_reviewer_needs_legal_professional_qualification", on=on)
    return bool(rule.value)


def check_reviewer(
    case: Case, user, on: dt.date, *, has_appointment: bool, has_reviewed_penalty: bool
) -> None:
    """Refuse a reviewer who may not review this case; the reasons are those of I6, REV-02, L2."""
    if not active(user):
        raise Forbidden("review.reviewer.inactive", _("该人员不可用。"), field="reviewer")
    if is_handler(case, user) or case.proposals.filter(created_by=user).exists():
        raise Forbidden(
            "review.sod.reviewer_is_handler",
            _("承办人不能审核本人承办的案件（职责分离）。"),
            field="reviewer",
        )
    if user.pk in approvers_of(case):
        raise Forbidden(
            "review.sod.reviewer_is_approver",
            _("已审批本案事项的人员不能担任本案审核人（职责分离）。"),
            field="reviewer",
        )
    if user.agency_id == case.agency_id:
        if not (user.has_role(Role.REVIEWER) or has_appointment):
            raise Forbidden(
                "review.reviewer.role",
                _("%(user)s不是本机关法制审核人员。") % {"user": user},
                field="reviewer",
            )
    elif not (has_appointment and user.is_legal_adviser):
        raise Forbidden(
            "review.reviewer.other_agency",
            _("%(user)s不是本机关人员；其他机关人员须经本机关聘任为法律顾问或公职律师后方可审核。")
            % {"user": user},
            field="reviewer",
        )
    if (
        first_review_needs_qualification(case, on)
        and not has_reviewed_penalty
        and not user.legal_qualification
    ):
        raise Forbidden(
            "review.reviewer.qualification",
            _("%(user)s初次从事行政处罚决定法制审核，须取得国家统一法律职业资格（行政处罚法第58条第2款）。")
            % {"user": user},
            field="reviewer",
        )
