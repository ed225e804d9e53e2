from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop as N_


class SupervisionConfig(AppConfig):
    name = "sanxiang.supervision"
    label = "supervision"
    verbose_name = _("执法监督")

    def ready(self):
        # --- graph, tasks, instruments, oversight, report (issue 11, reg) ---
        from sanxiang.supervision.reg_wiring import ready as reg_ready

        reg_ready()
        # --- clues, findings, case-file evaluation (issues 7 and 11) ---
        from sanxiang.cases import page_sections
        from sanxiang.core import ticks, workbench
        from sanxiang.core.roles import Role
        from sanxiang.supervision import receivers  # noqa: F401
        from sanxiang.supervision.views import clue_panels

        workbench.register_nav(
            N_("问题线索"), "supervision:clues", roles={Role.SUPERVISOR, Role.HEAD}, order=60
        )
        workbench.register_nav(N_("跟进事项"), "supervision:follow_ups", order=61)
        workbench.register_nav(
            N_("监督问题"), "supervision:findings", roles={Role.SUPERVISOR, Role.HEAD}, order=62
        )
        workbench.register_panel(
            "supervision.follow_ups", "supervision/clues/panel.html", clue_panels.follow_up_panel, order=30
        )
        page_sections.register(
            "evaluation", "supervision/evaluation/case_section.html", clue_panels.evaluation_section, order=90
        )
        ticks.register("supervision.clue_models", clue_panels.tick)
        post_migrate.connect(_seed_evaluation_rules, sender=self)
        try:
            from sanxiang.insight.analysis import register_section
        except ImportError:  # the analysis report lands with the insight helper's branch
            pass
        else:
            from sanxiang.supervision.services.statistics import clue_statistics_section

            register_section("clues", N_("问题线索统计"), 70, clue_statistics_section)

        self._ready_dash()

    def _ready_dash(self):
        """Dashboards, scorecard and policy task tracker."""
        from sanxiang.core import reports, workbench
        from sanxiang.core.roles import Role
        from sanxiang.supervision import report_scorecard
        from sanxiang.supervision.services import scorecard

        post_migrate.connect(_seed_dash, sender=self)
        from sanxiang.core import ticks
        from sanxiang.supervision.services import summary

        ticks.register("supervision.daily_summary", summary.rebuild_recent)
        workbench.register_nav(
            N_("看板"), "supervision:dashboard", roles={Role.HEAD, Role.SUPERVISOR}, order=57
        )
        workbench.register_nav(
            N_("考评"), "supervision:scorecard", roles={Role.HEAD, Role.SUPERVISOR}, order=58
        )
        workbench.register_nav(
            N_("任务跟踪"), "supervision:policy", roles={Role.HEAD, Role.SUPERVISOR}, order=59
        )
        reports.register_report(
            "scorecard",
            report_scorecard.run,
            configure=report_scorecard.configure,
            help=report_scorecard.HELP,
        )
        try:
            from sanxiang.insight.analysis import register_section
        except ImportError:
            pass
        else:
            register_section("scorecard_changes", N_("考评得分变化"), 60, scorecard.scorecard_changes_section)


def _seed_evaluation_rules(using="default", **_):
    """Keep the case-file evaluation rule set in step with data/evaluation-rules.yaml."""
    from sanxiang.supervision.services.evaluation import load_rules

    load_rules()


def _seed_dash(**kwargs):
    from sanxiang.supervision.services import policy, scorecard

    scorecard.seed_indicators()
    policy.load_tasks()
