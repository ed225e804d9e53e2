from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop as N_


class SupervisionConfig(AppConfig):
    name = "sanxiang.supervision"
    label = "supervision"
    verbose_name = _("执法监督")

    def ready(self):
        self._ready_dash()

    def _ready_dash(self):
        """Dashboards, scorecard and policy task tracker."""
        from sanxiang.core import reports, workbench
        from sanxiang.core.roles import Role
        from sanxiang.supervision import report_scorecard
        from sanxiang.supervision.services import scorecard

        post_migrate.connect(_seed_dash, sender=self)
        workbench.register_nav(
            N_("看板"), "supervision:dashboard", roles={Role.HEAD, Role.SUPERVISOR}, order=60
        )
        workbench.register_nav(
            N_("考评"), "supervision:scorecard", roles={Role.HEAD, Role.SUPERVISOR}, order=61
        )
        workbench.register_nav(
            N_("任务跟踪"), "supervision:policy", roles={Role.HEAD, Role.SUPERVISOR}, order=62
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


def _seed_dash(**kwargs):
    from sanxiang.supervision.services import policy, scorecard

    scorecard.seed_indicators()
    policy.load_tasks()
