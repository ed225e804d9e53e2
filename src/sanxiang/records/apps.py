from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RecordsConfig(AppConfig):
    name = "sanxiang.records"
    label = "records"
    verbose_name = _("全过程记录")

    def ready(self):
        from sanxiang.records import receivers  # noqa: F401
