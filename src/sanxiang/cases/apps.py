from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop as N_


class CasesConfig(AppConfig):
    name = "sanxiang.cases"
    label = "cases"
    verbose_name = _("案件办理")

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from sanxiang.cases import deadlines, panels, procedures, tally
        from sanxiang.cases.models import Case
        from sanxiang.core import ticks, workbench

        procedures.register_all()
        workbench.register_nav(N_("工作台"), "core:workbench", order=0)
        workbench.register_nav(N_("案件"), "cases:list", order=10)
        workbench.register_panel(
            "cases.approvals", "cases/panel_approvals.html", panels.awaiting_approval, order=10
        )
        workbench.register_panel(
            "cases.deadlines", "cases/panel_deadlines.html", panels.my_deadlines, order=20
        )
        workbench.register_panel("cases.mine", "cases/panel_mine.html", panels.my_cases, order=30)
        workbench.register_panel("cases.alerts", "cases/panel_alerts.html", panels.my_alerts, order=5)
        ticks.register("cases.deadlines", deadlines.tick)
        post_save.connect(tally.on_case_saved, sender=Case, dispatch_uid="cases.tally.saved")
        post_delete.connect(tally.on_case_deleted, sender=Case, dispatch_uid="cases.tally.deleted")
