from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "sanxiang.portal"
    label = "portal"
    verbose_name = _("公示网站")

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from sanxiang.portal import pagecache
        from sanxiang.publicity import models

        for model in (
            models.PublicDecision,
            models.PublicDecisionVersion,
            models.PublicAgency,
            models.PublicOfficer,
            models.PublicReport,
        ):
            for signal in (post_save, post_delete):
                signal.connect(
                    pagecache.bump, sender=model, dispatch_uid=f"portal-pagecache-{model.__name__}-{signal}"
                )
