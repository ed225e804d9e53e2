from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop as N_


class RecordsConfig(AppConfig):
    name = "sanxiang.records"
    label = "records"
    verbose_name = _("全过程记录")

    def ready(self):
        from sanxiang.cases import page_sections
        from sanxiang.cases.workflow import registry
        from sanxiang.core import ticks, workbench
        from sanxiang.core.roles import Role
        from sanxiang.records import avrules, checkpoints, checks, receivers, sections  # noqa: F401

        # I4: a required act cannot complete without its recording (acts without a rule pass).
        registry.add_guard(avrules.guard)
        # 说理 is enforced once, by the documents app's guard (the decision document states the same
        # reasons); the record carries the reasons in the decision entry's proposal (receivers.py).

        page_sections.register("records.av", "records/section_av.html", sections.av_coverage, order=20)
        page_sections.register(
            "records.evidence", "records/section_evidence.html", sections.evidence, order=25
        )
        page_sections.register(
            "records.timeline", "records/section_timeline.html", sections.timeline, order=80
        )
        page_sections.register(
            "records.access", "records/section_access.html", sections.access_section, order=90
        )

        workbench.register_nav(
            N_("调阅记录"), "records:access_log", roles={Role.SUPERVISOR, Role.HEAD}, order=70
        )
        workbench.register_panel(
            "records.requests", "records/panel_requests.html", sections.pending_requests, order=15
        )
        ticks.register("records.checkpoint", checkpoints.tick)
        from sanxiang.records import annual

        annual.register()  # the annual statistics report's audio/video coverage section
