from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop as N_


class CatalogConfig(AppConfig):
    name = "sanxiang.catalog"
    label = "catalog"
    verbose_name = _("目录与依据")

    def ready(self):
        from sanxiang.catalog import signals  # noqa: F401
        from sanxiang.core import workbench

        workbench.register_nav(N_("执法事项"), "catalog:items", order=62)
        workbench.register_nav(N_("法律依据"), "catalog:laws", order=63)
        post_migrate.connect(_seed_rule_parameters, sender=self)


def _seed_rule_parameters(using="default", **_):
    """Keep the seeded rule parameters in step with the data files after every migrate (I8)."""
    from sanxiang.catalog.services import load_rule_parameters

    load_rule_parameters()
