from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop as N_


class InsightConfig(AppConfig):
    name = "sanxiang.insight"
    label = "insight"
    verbose_name = _("智能分析")

    def ready(self):
        from sanxiang.cases import page_sections
        from sanxiang.cases.workflow import registry
        from sanxiang.core import reports, workbench
        from sanxiang.core.roles import Role
        from sanxiang.insight import analysis, discretion, views

        readers = {Role.REVIEWER, Role.HEAD, Role.SUPERVISOR}
        workbench.register_nav(N_("同案不同罚"), "insight:outliers", roles=readers, order=40)
        workbench.register_nav(N_("案件分析"), "insight:analysis", roles=readers, order=41)
        page_sections.register(
            "insight.discretion", "insight/case_section.html", views.case_section, order=15
        )
        page_sections.register(
            "insight.discretion.review",
            "insight/case_section.html",
            views.case_section,
            order=15,
            place="review",
        )
        for name in ("propose", "revise_proposal"):
            if discretion.reasons_for_outside_range not in registry.guards_for("penalty.general", name):
                registry.add_guard(
                    discretion.reasons_for_outside_range, procedure="penalty.general", transition=name
                )
        reports.register_report(
            "analysis", analysis.run_report, configure=analysis.configure, help=analysis.HELP
        )
