"""Start-up registrations of the graph/tasks/instruments part (issue 11): navigation, the
workbench panel, the `supervision` report of `sanxiang report`."""

from __future__ import annotations

from django.utils.translation import gettext_noop as N_


def _panel(user):
    from sanxiang.supervision.services import selectors

    if not selectors.is_supervisor(user) and not user.has_role("head"):
        return None
    rows = selectors.overdue_by_bureau(user)
    mine = selectors.instruments_visible_to(user).filter(
        status__in=("issued", "served", "reported", "verified")
    )
    return {"overdue": sum(r.total for r in rows), "open_instruments": mine.count()}


def ready() -> None:
    from sanxiang.core import reports, ticks, workbench
    from sanxiang.core.roles import Role
    from sanxiang.supervision.services import escalation, report

    ticks.register("supervision.escalation", escalation.tick)

    workbench.register_nav(
        N_("监督任务"), "supervision:tasks", roles={Role.SUPERVISOR, Role.INVITED_SUPERVISOR}, order=63
    )
    workbench.register_nav(
        N_("监督文书"), "supervision:instruments", roles={Role.SUPERVISOR, Role.HEAD}, order=64
    )
    workbench.register_nav(N_("督办台"), "supervision:oversight", roles={Role.SUPERVISOR}, order=65)
    workbench.register_panel("supervision.reg", "supervision/instruments/panel.html", _panel, order=31)
    reports.register_report("supervision", report.run_report, configure=report.configure, help=report.HELP)
