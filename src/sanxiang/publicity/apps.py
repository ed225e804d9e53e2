from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop as N_


class PublicityConfig(AppConfig):
    name = "sanxiang.publicity"
    label = "publicity"
    verbose_name = _("行政执法公示")

    def ready(self):
        from sanxiang.cases import page_sections
        from sanxiang.core import reports, ticks, workbench
        from sanxiang.core.roles import Role
        from sanxiang.publicity import annual, content, panels, receivers, tick  # noqa: F401

        content.register_decision_number_provider(content.issued_decision_number)

        workbench.register_nav(
            N_("公示"), "publicity:desk", roles={Role.PUBLICITY_EDITOR, Role.SUPERVISOR, Role.HEAD}, order=40
        )
        workbench.register_panel("publicity.desk", "publicity/panel_desk.html", panels.desk_panel, order=25)
        page_sections.register("publicity", "publicity/case_section.html", panels.case_section, order=70)
        ticks.register("publicity.deadlines", tick.run)
        reports.register_report("annual", annual.run_report, configure=annual.configure, help=annual.HELP)
