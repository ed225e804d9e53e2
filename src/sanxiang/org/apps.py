from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop as N_


class OrgConfig(AppConfig):
    name = "sanxiang.org"
    label = "org"
    verbose_name = _("组织与人员")

    def ready(self):
        from sanxiang.core import workbench

        workbench.register_nav(N_("执法主体"), "org:agencies", order=60)
        workbench.register_nav(N_("执法人员"), "org:officers", order=61)
        post_migrate.connect(_create_role_groups, sender=self)

        from django.contrib.auth import signals as auth_signals

        from sanxiang.org import auth

        auth_signals.user_login_failed.connect(auth.on_login_failed, dispatch_uid="sx-login-failed")
        auth_signals.user_logged_in.connect(auth.on_logged_in, dispatch_uid="sx-logged-in")
        auth_signals.user_logged_out.connect(auth.on_logged_out, dispatch_uid="sx-logged-out")


def _create_role_groups(**_):
    from django.contrib.auth.models import Group

    from sanxiang.core.roles import Role

    for role in Role.values:
        Group.objects.get_or_create(name=role)
