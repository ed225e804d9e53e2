"""Publicity in the demo: most decisions published on time, some still drafts (a few overdue),
some published late, the revoked ones withdrawn by their remedy, every agency's item list and
profile published, service windows with their boards, and last year's statistics report.

Registered through `sanxiang.demo.hooks` (the loader calls `register(hooks)`); nothing here is
imported by the loader itself.
"""

from __future__ import annotations

import logging

from sanxiang.core import clock
from sanxiang.core.errors import DomainError
from sanxiang.publicity import services
from sanxiang.publicity.choices import PublicationStatus
from sanxiang.publicity.models import Publication

log = logging.getLogger("sanxiang.publicity.demo")
DECISION_ACTS = (("decide", "*"), ("decide_on_site", "penalty.simple"), ("conclude", "inspection"))


def _editor(cast, agency):
    staffing = getattr(cast.world, "staffing", {}).get(agency.code)
    return getattr(staffing, "editor", None)


def _late(cast) -> list[int]:
    if not hasattr(cast, "publicity_late"):
        cast.publicity_late = []
    return cast.publicity_late


def publish_now(pub: Publication, editor) -> bool:
    try:
        pub = services.check(pub, actor=editor, confidentiality_reviewed=True, note="演示数据：已保密审查")
        services.publish(pub, actor=editor)
    except DomainError as refusal:
        log.info("demo: publication %s not published: %s", pub.pk, refusal.message)
        return False
    return True


def after_decision(case, transition, cast) -> None:
    """At the moment of the decision: publish most at once (on time), keep some for later."""
    pub = Publication.objects.filter(case=case, status=PublicationStatus.DRAFT).first()
    editor = _editor(cast, case.agency)
    if pub is None or editor is None:
        return
    plan = cast.plan_of(case) if hasattr(cast, "plan_of") else None
    if plan is not None and getattr(plan, "variant", "") == "revoked":
        publish_now(pub, editor)  # so that its revocation visibly withdraws it
        return
    age = (cast.today - clock.today()).days
    roll = cast.rng.random()
    if age <= 10 and roll < 0.5:
        return  # recent: still within its due date, waiting on the desk
    if roll < 0.08:
        _late(cast).append(pub.pk)  # published late, at the end of the load
    elif roll < 0.12:
        return  # left unpublished: overdue on the desk
    else:
        publish_now(pub, editor)


def publish_late_and_profiles(cast) -> None:
    if not cast.first_load:
        return
    for pub in Publication.objects.filter(pk__in=_late(cast), status=PublicationStatus.DRAFT):
        editor = _editor(cast, pub.agency)
        if editor is not None:
            publish_now(pub, editor)
    services.sync_all_officers()
    agencies = list(cast.agencies.values())
    for n, agency in enumerate(agencies):
        editor = _editor(cast, agency)
        if editor is None or agency.is_justice_bureau:
            continue
        if n % 3 == 0:
            officers = [u for u in agency.staff.all() if u.has_role("officer")][:2]
            try:
                services.save_window(
                    agency,
                    actor=editor,
                    data={
                        "name": "综合受理窗口",
                        "location": "市政务服务中心二楼",
                        "hours": "工作日 9:00–12:00，13:30–17:00",
                        "duties": "受理行政许可申请，一次性告知补正材料，答复办理进度。",
                        "sample_texts": "行政许可申请书\n变更登记申请书\n授权委托书",
                        "progress_query": "12345热线或窗口查询",
                        "complaint_channel": "12345热线；市司法局执法监督科",
                        "staff": officers,
                    },
                )
            except DomainError as refusal:
                log.info("demo: window of %s: %s", agency.code, refusal.message)
        try:
            pub = services.draft_item_list(agency, actor=editor)
            pub = services.check(pub, actor=editor, note="演示数据：依据变更事项已安排更新")
            services.publish(pub, actor=editor)
        except DomainError as refusal:
            log.info("demo: item list of %s not published: %s", agency.code, refusal.message)
    _publish_annual_report(cast)


def _publish_annual_report(cast) -> None:
    """Last year's statistics for the whole city, by the city's supervising body (PUB-11)."""
    supervisors = [
        u
        for u in cast.users.values()
        if u.has_role("supervisor") and u.agency is not None and u.agency.division.parent_id is None
    ]
    if supervisors:
        try:
            services.publish_annual_report(cast.today.year - 1, actor=supervisors[0])
        except DomainError as refusal:
            log.info("demo: annual report not published: %s", refusal.message)


def register(hooks) -> None:
    for transition, procedure in DECISION_ACTS:
        hooks.after(transition, procedure=procedure)(after_decision)
    hooks.finally_(publish_late_and_profiles)
