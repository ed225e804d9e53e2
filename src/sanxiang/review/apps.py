from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop as N_


class ReviewConfig(AppConfig):
    name = "sanxiang.review"
    label = "review"
    verbose_name = _("法制审核")

    def ready(self):
        from sanxiang.cases import page_sections
        from sanxiang.core import ticks, workbench
        from sanxiang.core.roles import Role
        from sanxiang.review import gate, panels, receivers  # noqa: F401

        gate.register()
        from sanxiang.review import annual

        annual.register()  # the annual statistics report's review section
        workbench.register_nav(
            N_("法制审核"), "review:queue", roles={Role.REVIEWER, Role.HEAD, Role.SUPERVISOR}, order=20
        )
        workbench.register_panel("review.queue", "review/panel_queue.html", panels.reviewer_queue, order=5)
        workbench.register_panel("review.head", "review/panel_head.html", panels.head_panel, order=8)
        workbench.register_panel(
            "review.supervisor", "review/panel_supervisor.html", panels.supervisor_panel, order=9
        )
        page_sections.register("review", "review/case_section.html", panels.case_section, order=10)
        ticks.register("review.overdue", panels.tick)
