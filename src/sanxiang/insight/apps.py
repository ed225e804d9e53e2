from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InsightConfig(AppConfig):
    name = "sanxiang.insight"
    label = "insight"
    verbose_name = _("智能分析")
