from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop as N_


class ExchangeConfig(AppConfig):
    name = "sanxiang.exchange"
    label = "exchange"
    verbose_name = _("数据交换")

    def ready(self):
        from sanxiang.core import ticks, workbench
        from sanxiang.core.roles import Role
        from sanxiang.exchange import delivery, feeds, receivers  # noqa: F401

        feeds.register()  # the 双公示 feeds read publicity's public snapshots

        workbench.register_nav(
            N_("数据交换"), "exchange:overview", roles={Role.ADMIN, Role.SUPERVISOR}, order=80
        )
        ticks.register("exchange.deliver", delivery.tick)
